"""nn.functional beyond activations: interpolate, pad, one_hot, embedding, dropout and the distances.

Expected values and texts were recorded from PyTorch 2.13 ('torch' read as 'ember').
"""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

INTERP = [[{'scale_factor': 2}, 'nearest', None,
  [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0,
   7.0, 7.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0, 8.0, 9.0, 9.0, 10.0, 10.0, 11.0, 11.0, 8.0, 8.0, 9.0, 9.0,
   10.0, 10.0, 11.0, 11.0]],
 [{'scale_factor': 2}, 'nearest-exact', None,
  [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0,
   7.0, 7.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0, 8.0, 9.0, 9.0, 10.0, 10.0, 11.0, 11.0, 8.0, 8.0, 9.0, 9.0,
   10.0, 10.0, 11.0, 11.0]],
 [{'scale_factor': 2}, 'bilinear', None,
  [0.0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.0, 1.0, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4.0, 3.0, 3.25, 3.75,
   4.25, 4.75, 5.25, 5.75, 6.0, 5.0, 5.25, 5.75, 6.25, 6.75, 7.25, 7.75, 8.0, 7.0, 7.25, 7.75, 8.25, 8.75, 9.25,
   9.75, 10.0, 8.0, 8.25, 8.75, 9.25, 9.75, 10.25, 10.75, 11.0]],
 [{'scale_factor': 2}, 'bilinear', True,
  [0.0, 0.42857142857142855, 0.8571428571428571, 1.2857142857142856, 1.7142857142857142, 2.142857142857143,
   2.571428571428571, 3.0, 1.6, 2.0285714285714285, 2.4571428571428573, 2.8857142857142857, 3.314285714285714,
   3.742857142857143, 4.171428571428572, 4.6, 3.2, 3.6285714285714286, 4.057142857142857, 4.485714285714286,
   4.914285714285715, 5.342857142857143, 5.771428571428571, 6.2, 4.800000000000001, 5.2285714285714295,
   5.657142857142858, 6.085714285714287, 6.514285714285715, 6.942857142857143, 7.371428571428573, 7.800000000000001,
   6.4, 6.828571428571429, 7.257142857142858, 7.685714285714286, 8.114285714285714, 8.542857142857143,
   8.971428571428572, 9.4, 8.0, 8.428571428571427, 8.857142857142858, 9.285714285714285, 9.714285714285715,
   10.142857142857142, 10.571428571428571, 11.0]],
 [{'scale_factor': 2}, 'bicubic', None,
  [-0.52734375, -0.23046875, 0.24609375, 0.875, 1.28125, 1.91015625, 2.38671875, 2.68359375, 0.66015625, 0.95703125,
   1.43359375, 2.0625, 2.46875, 3.09765625, 3.57421875, 3.87109375, 2.56640625, 2.86328125, 3.33984375, 3.96875,
   4.375, 5.00390625, 5.48046875, 5.77734375, 5.22265625, 5.51953125, 5.99609375, 6.625, 7.03125, 7.66015625,
   8.13671875, 8.43359375, 7.12890625, 7.42578125, 7.90234375, 8.53125, 8.9375, 9.56640625, 10.04296875,
   10.33984375, 8.31640625, 8.61328125, 9.08984375, 9.71875, 10.125, 10.75390625, 11.23046875, 11.52734375]],
 [{'scale_factor': 2}, 'bicubic', True,
  [0.0, 0.3411078717201176, 0.8002915451895044, 1.3294460641399437, 1.6705539358600578, 2.199708454810497,
   2.6588921282798834, 3.0, 1.2639999999999962, 1.6051078717201144, 2.064291545189501, 2.5934460641399397,
   2.9345539358600536, 3.4637084548104924, 3.9228921282798783, 4.263999999999994, 2.9119999999999995,
   3.2531078717201187, 3.712291545189505, 4.241446064139944, 4.582553935860058, 5.111708454810496,
   5.570892128279882, 5.911999999999998, 5.088000000000008, 5.429107871720129, 5.8882915451895155,
   6.417446064139955, 6.758553935860068, 7.287708454810509, 7.746892128279893, 8.08800000000001, 6.736000000000001,
   7.077107871720122, 7.536291545189509, 8.065446064139948, 8.406553935860059, 8.9357084548105, 9.394892128279883,
   9.735999999999999, 8.0, 8.341107871720123, 8.80029154518951, 9.32944606413995, 9.67055393586006,
   10.199708454810501, 10.658892128279884, 11.0]],
 [{'scale_factor': 2}, 'area', None,
  [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0,
   7.0, 7.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0, 8.0, 9.0, 9.0, 10.0, 10.0, 11.0, 11.0, 8.0, 8.0, 9.0, 9.0,
   10.0, 10.0, 11.0, 11.0]],
 [{'size': [5, 7]}, 'nearest', None,
  [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 7.0, 4.0,
   4.0, 5.0, 5.0, 6.0, 6.0, 7.0, 8.0, 8.0, 9.0, 9.0, 10.0, 10.0, 11.0]],
 [{'size': [5, 7]}, 'nearest-exact', None,
  [0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0,
   8.0, 9.0, 10.0, 10.0, 11.0, 11.0, 8.0, 8.0, 9.0, 10.0, 10.0, 11.0, 11.0]],
 [{'size': [5, 7]}, 'bilinear', None,
  [0.0, 0.3571428571428571, 0.9285714285714285, 1.5, 2.071428571428571, 2.642857142857143, 3.0, 1.5999999999999999,
   1.957142857142857, 2.5285714285714285, 3.1, 3.6714285714285713, 4.242857142857143, 4.6, 4.0, 4.357142857142858,
   4.928571428571429, 5.5, 6.071428571428571, 6.642857142857143, 7.0, 6.3999999999999995, 6.757142857142857,
   7.328571428571427, 7.8999999999999995, 8.47142857142857, 9.042857142857143, 9.4, 8.0, 8.357142857142856,
   8.928571428571427, 9.5, 10.071428571428573, 10.642857142857144, 11.0]],
 [{'size': [5, 7]}, 'bilinear', True,
  [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 6.0,
   6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0]],
 [{'size': [5, 7]}, 'bicubic', None,
  [-0.4832164723032071, -0.10475437317784371, 0.5125925655976663, 1.1159999999999988, 1.7194074344023302,
   2.33675437317784, 2.715216472303207, 1.1647835276967877, 1.543245626822151, 2.1605925655976614,
   2.763999999999994, 3.3674074344023253, 3.984754373177834, 4.363216472303202, 3.9007835276967913,
   4.279245626822155, 4.8965925655976665, 5.5, 6.103407434402332, 6.72075437317784, 7.099216472303211,
   6.636783527696785, 7.015245626822148, 7.63259256559766, 8.235999999999995, 8.839407434402327, 9.456754373177834,
   9.835216472303209, 8.284783527696792, 8.663245626822155, 9.280592565597667, 9.884000000000002,
   10.487407434402336, 11.104754373177842, 11.48321647230322]],
 [{'size': [5, 7]}, 'bicubic', True,
  [0.0, 0.40625, 1.0, 1.5, 2.0, 2.59375, 3.0, 1.625, 2.03125, 2.625, 3.125, 3.625, 4.21875, 4.625, 4.0, 4.40625,
   5.0, 5.5, 6.0, 6.59375, 7.0, 6.375, 6.78125, 7.375, 7.875, 8.375, 8.96875, 9.375, 8.0, 8.40625, 9.0, 9.5, 10.0,
   10.59375, 11.0]],
 [{'size': [5, 7]}, 'area', None,
  [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 6.0,
   6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0]],
 [{'scale_factor': 1.5}, 'nearest', None,
  [0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 6.0, 7.0, 8.0, 8.0, 9.0, 10.0,
   10.0, 11.0]],
 [{'scale_factor': 1.5}, 'nearest-exact', None,
  [0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0, 8.0, 9.0, 9.0, 10.0,
   11.0, 11.0]],
 [{'scale_factor': 1.5}, 'bilinear', None,
  [0.0, 0.49999999999999994, 1.1666666666666665, 1.8333333333333333, 2.5, 3.0, 1.9999999999999998,
   2.4999999999999996, 3.166666666666666, 3.833333333333333, 4.5, 5.0, 4.666666666666666, 5.166666666666665,
   5.833333333333333, 6.499999999999999, 7.166666666666666, 7.666666666666666, 7.333333333333333, 7.833333333333332,
   8.5, 9.166666666666666, 9.833333333333332, 10.333333333333334]],
 [{'scale_factor': 1.5}, 'bilinear', True,
  [0.0, 0.6, 1.2, 1.7999999999999998, 2.4, 3.0, 2.6666666666666665, 3.2666666666666666, 3.8666666666666663,
   4.466666666666667, 5.066666666666666, 5.666666666666666, 5.333333333333333, 5.933333333333333, 6.533333333333333,
   7.133333333333333, 7.733333333333333, 8.333333333333332, 8.0, 8.6, 9.2, 9.8, 10.399999999999999, 11.0]],
 [{'scale_factor': 1.5}, 'bicubic', None,
  [-0.4340277777777769, 0.05902777777777868, 0.8657407407407431, 1.4398148148148164, 2.246527777777779,
   2.7395833333333357, 1.538194444444445, 2.03125, 2.8379629629629637, 3.412037037037038, 4.21875,
   4.711805555555556, 4.834490740740745, 5.327546296296299, 6.134259259259263, 6.7083333333333375,
   7.5150462962962985, 8.008101851851857, 7.408564814814818, 7.901620370370372, 8.708333333333337,
   9.282407407407412, 10.089120370370372, 10.582175925925931]],
 [{'scale_factor': 1.5}, 'bicubic', True,
  [0.0, 0.5039999999999998, 1.2479999999999984, 1.7519999999999984, 2.495999999999998, 3.0, 2.296296296296296,
   2.8002962962962945, 3.544296296296294, 4.048296296296296, 4.792296296296293, 5.296296296296296,
   5.703703703703706, 6.207703703703702, 6.951703703703703, 7.455703703703707, 8.199703703703703, 8.703703703703706,
   8.0, 8.503999999999994, 9.247999999999996, 9.752, 10.495999999999995, 11.0]],
 [{'scale_factor': 1.5}, 'area', None,
  [0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 2.0, 2.5, 3.0, 4.0, 4.5, 5.0, 6.0, 6.5, 7.0, 8.0, 8.5, 9.0, 8.0, 8.5, 9.0, 10.0,
   10.5, 11.0]],
 [{'size': [2, 3]}, 'nearest', None, [0.0, 1.0, 2.0, 4.0, 5.0, 6.0]],
 [{'size': [2, 3]}, 'nearest-exact', None, [0.0, 2.0, 3.0, 8.0, 10.0, 11.0]],
 [{'size': [2, 3]}, 'bilinear', None,
  [1.1666666666666667, 2.5, 3.833333333333333, 7.166666666666667, 8.5, 9.833333333333334]],
 [{'size': [2, 3]}, 'bilinear', True, [0.0, 1.5, 3.0, 8.0, 9.5, 11.0]],
 [{'size': [2, 3]}, 'bicubic', None,
  [0.8917824074074083, 2.265625, 3.639467592592593, 7.36053240740741, 8.734375, 10.108217592592592]],
 [{'size': [2, 3]}, 'bicubic', True, [0.0, 1.5, 3.0, 8.0, 9.5, 11.0]],
 [{'size': [2, 3]}, 'area', None, [2.5, 3.5, 4.5, 6.5, 7.5, 8.5]],
 [{'scale_factor': [0.6, 1.7]}, 'nearest', None, [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]],
 [{'scale_factor': [0.6, 1.7]}, 'nearest-exact', None, [0.0, 0.0, 1.0, 2.0, 2.0, 3.0]],
 [{'scale_factor': [0.6, 1.7]}, 'bilinear', None,
  [1.3333333333333335, 1.7156862745098043, 2.3039215686274512, 2.892156862745098, 3.4803921568627447,
   4.068627450980393]],
 [{'scale_factor': [0.6, 1.7]}, 'bilinear', True, [0.0, 0.6, 1.2, 1.7999999999999998, 2.4, 3.0]],
 [{'scale_factor': [0.6, 1.7]}, 'bicubic', None,
  [0.9396614518548659, 1.3377761475601373, 1.9935618182297898, 2.581358225720121, 3.2422006336175366,
   3.8338706926446067]],
 [{'scale_factor': [0.6, 1.7]}, 'bicubic', True,
  [0.0, 0.5039999999999998, 1.2479999999999984, 1.7519999999999984, 2.495999999999998, 3.0]],
 [{'scale_factor': [0.6, 1.7]}, 'area', None, [4.0, 4.5, 5.0, 6.0, 6.5, 7.0]],
 [{'scale_factor': [2.3, 0.4]}, 'nearest', None, [0.0, 0.0, 4.0, 4.0, 8.0, 8.0]],
 [{'scale_factor': [2.3, 0.4]}, 'nearest-exact', None, [1.0, 1.0, 5.0, 5.0, 5.0, 9.0]],
 [{'scale_factor': [2.3, 0.4]}, 'bilinear', None,
  [0.75, 1.3586956521739133, 3.0978260869565224, 4.836956521739131, 6.57608695652174, 8.31521739130435]],
 [{'scale_factor': [2.3, 0.4]}, 'bilinear', True, [0.0, 1.6, 3.2, 4.800000000000001, 6.4, 8.0]],
 [{'scale_factor': [2.3, 0.4]}, 'bicubic', None,
  [0.23163481394345478, 1.1280143651886314, 2.631055377763626, 4.7969960369236375, 6.877007543457712,
   8.34059758208679]],
 [{'scale_factor': [2.3, 0.4]}, 'bicubic', True,
  [0.0, 1.2639999999999962, 2.9119999999999995, 5.088000000000008, 6.736000000000001, 8.0]],
 [{'scale_factor': [2.3, 0.4]}, 'area', None, [1.5, 1.5, 5.5, 5.5, 9.5, 9.5]]]
INTERP_1D = [[0.0, 0.14285714285714282, 0.5714285714285714, 1.0, 1.4285714285714284, 1.857142857142857, 2.0, 3.0,
  3.142857142857143, 3.571428571428571, 4.0, 4.428571428571429, 4.857142857142857, 5.0],
 [0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0], [0.0, 0.0, 1.0, 3.0, 3.0, 4.0],
 [0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 5.0, 5.0]]
INTERP_3D = [[0.0, 0.49999999999999994, 1.0, 0.9999999999999999, 1.4999999999999998, 1.9999999999999998, 2.0, 2.5, 3.0,
  1.9999999999999998, 2.4999999999999996, 2.9999999999999996, 2.9999999999999996, 3.4999999999999996,
  3.9999999999999996, 3.9999999999999996, 4.5, 5.0, 4.0, 4.5, 5.0, 5.0, 5.5, 6.0, 6.0, 6.5, 7.0],
 [0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 2.0, 2.3333333333333335, 2.666666666666667, 3.0, 2.0,
  2.3333333333333335, 2.6666666666666665, 3.0, 4.0, 4.333333333333334, 4.666666666666666, 5.0, 4.0,
  4.333333333333334, 4.666666666666666, 5.0, 6.0, 6.333333333333334, 6.666666666666666, 7.0],
 [0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 4.0, 4.0,
  5.0, 6.0, 6.0, 7.0]]
INTERP_GRAD_BILINEAR = [8.457142857142859, 13.442857142857143, 18.700000000000006, 22.400000000000002, 44.61428571428572,
 51.68571428571429, 57.600000000000016, 60.3, 70.85714285714288, 78.44285714285712, 83.70000000000002,
 84.79999999999998]
INTERP_GRAD_NEAREST = [14.0, 10.0, 26.0, 16.0, 62.0, 34.0, 74.0, 40.0, 49.0, 26.0, 55.0, 29.0]
PADS = [[[-1, 2], {'value': 7.0}, [1.0, 2.0, 3.0, 7.0, 7.0, 5.0, 6.0, 7.0, 7.0, 7.0, 9.0, 10.0, 11.0, 7.0, 7.0],
  [1, 1, 3, 5]],
 [[-1, 1, 1, -2], {'mode': 'replicate'}, [1.0, 2.0, 3.0, 3.0, 1.0, 2.0, 3.0, 3.0], [1, 1, 2, 4]],
 [[1, 2, 2, 1], {'mode': 'reflect'},
  [9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 5.0,
   4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0],
  [1, 1, 6, 7]],
 [[1, 2, 2, 1], {'mode': 'circular'},
  [7.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 11.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 7.0,
   4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 11.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0],
  [1, 1, 6, 7]],
 [[3, 3, 2, 2], {'mode': 'reflect'},
  [11.0, 10.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 4.0, 3.0,
   2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 7.0, 6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 4.0, 11.0, 10.0, 9.0,
   8.0, 9.0, 10.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 1.0,
   2.0, 3.0, 2.0, 1.0, 0.0],
  [1, 1, 7, 10]],
 [[4, 4, 3, 3], {'mode': 'circular'},
  [0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0,
   6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0,
   3.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 8.0,
   9.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0,
   7.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0],
  [1, 1, 9, 12]],
 [[2, 0, 1, 1], {},
  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 0.0, 4.0, 5.0, 6.0, 7.0, 0.0, 0.0, 8.0, 9.0,
   10.0, 11.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  [1, 1, 5, 6]],
 [[0, 0, 0, 0, 1, 1], {'value': -1.0},
  [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0,
   8.0, 9.0, 10.0, 11.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0],
  [1, 3, 3, 4]]]
PAD_GRADS = [[0.0, 8.0, 24.0, 12.0, 24.0, 60.0, 108.0, 42.0, 16.0, 36.0, 60.0, 22.0],
 [0.0, 4.0, 16.0, 24.0, 32.0, 20.0, 48.0, 56.0, 64.0, 36.0, 80.0, 88.0],
 [0.0, 2.0, 4.0, 6.0, 0.0, 10.0, 12.0, 14.0, 0.0, 0.0, 0.0, 0.0]]
EMB_GRAD = [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
EMB_GRAD_PAD_NEG = [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
EMB_MAX_NORM = [[0.0, 1.0, 2.0], [1.7842010022119852, 2.37893466961598, 2.973668337019975], [6.0, 7.0, 8.0],
 [2.159773965503365, 2.3997488505592948, 2.6397237356152243], [12.0, 13.0, 14.0]]
DIST = [[0.9999999750000008, 0.8451542547285166], [0.3164174963480981, 0.8451542547285166],
 [1.732629504539271e-06, 2.0000010000005], [[3.0009999999999997e-06], [2.0000030000000004]],
 [[0.9999999800000006, 0.0, 0.0001999999960000001], [0.2672612419124244, 0.5345224838248488, 0.8017837257372732]],
 [[9.99990000099999e-06, 0.0, 6.666666662222222e-10], [0.9999900000999989, 1.0, 0.9999999993333333]],
 [10.214944036952161, 25.36206564468257, 44.22839240087037, 15.214547505352717, 34.127322324402165,
  18.918884683150377]]
ERRORS = [['NotImplementedError', 'Got 4D input, but linear mode needs 3D input'],
 ['NotImplementedError', 'Got 3D input, but bilinear mode needs 4D input'],
 ['ValueError', 'only one of size or scale_factor should be defined'],
 ['ValueError', 'either size or scale_factor should be defined'],
 ['ValueError',
  'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear'],
 ['ValueError',
  'Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [3, '
  '4] and output size of (2, 3, 4). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size '
  'in (o1, o2, ...,oK) format.'],
 ['NotImplementedError',
  'Input Error: Only 3D, 4D and 5D input Tensors supported (got 4D) for the modes: nearest | linear | bilinear | '
  'bicubic | trilinear | lanczos | area | nearest-exact (got foo)'],
 ['RuntimeError',
  'Input and output sizes should be greater than 0, but got input (H: 3, W: 4) output (H: 0, W: 0)'],
 ['RuntimeError', 'Padding length must be divisible by 2'],
 ['RuntimeError',
  'Padding length should be less than or equal to two times the input dimension but got padding length 10 and '
  'input of dimension 4'],
 ['NotImplementedError',
  'Padding size 2 is not supported for 4D input tensor.\n'
  'Supported combinations for non-constant padding:\n'
  '  - 2D or 3D input: padding size = 2 (pads last dimension)\n'
  '  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n'
  '  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)'],
 ['RuntimeError',
  'Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at '
  'dimension 3 of input [1, 1, 3, 4]'],
 ['RuntimeError', 'Padding value causes wrapping around more than once.'],
 ['NotImplementedError', 'Unrecognised padding mode foo'],
 ['RuntimeError', 'Padding mode "reflect" doesn\'t take in value argument'],
 ['RuntimeError', 'narrow(): length must be non-negative.'],
 ['RuntimeError',
  'Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but '
  'got: [1, 1, 0, 3]'],
 ['RuntimeError', 'one_hot is only applicable to index tensor of type LongTensor.'],
 ['RuntimeError', 'Class values must be non-negative.'],
 ['RuntimeError', 'Class values must be smaller than num_classes.'],
 ['RuntimeError', 'Can not infer total number of classes from empty tensor.'],
 ['IndexError', 'index out of range in self'],
 ['RuntimeError',
  "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got "
  'ember.FloatTensor instead (while checking arguments for embedding)'],
 ['AssertionError', 'Padding_idx must be within num_embeddings'],
 ['AssertionError', 'Embeddings parameter is expected to be 2-dimensional'],
 ['ValueError', 'dropout probability has to be between 0 and 1, but got 1.5'],
 ['ValueError', 'dropout probability has to be between 0 and 1, but got -0.1'],
 ['RuntimeError',
  'dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to provide channel-wise '
  'dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D '
  'inputs).'],
 ['RuntimeError', 'pdist only supports 2D tensors, got: 1D'],
 ['TypeError', 'unflattened_size must be a tuple of ints, but found type int'],
 ['TypeError', 'unflattened_size must be tuple of ints, but found element of type str at pos 1'],
 ['ValueError', 'offsets has to be a 1D Tensor but got None'],
 ['ValueError',
  'if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. '
  "However, found offsets of type <class 'ember.Tensor'>"]]

_ERROR_CALLS = [
    lambda xe: F.interpolate(xe, scale_factor=2, mode='linear'),
    lambda xe: F.interpolate(xe[0], scale_factor=2, mode='bilinear'),
    lambda xe: F.interpolate(xe, scale_factor=2, size=3),
    lambda xe: F.interpolate(xe),
    lambda xe: F.interpolate(xe, scale_factor=2, align_corners=True),
    lambda xe: F.interpolate(xe, size=(2, 3, 4)),
    lambda xe: F.interpolate(xe, scale_factor=2, mode='foo'),
    lambda xe: F.interpolate(xe, scale_factor=0.1),
    lambda xe: F.pad(xe, (1,)),
    lambda xe: F.pad(xe, (1,) * 10),
    lambda xe: F.pad(xe, (1, 1), mode='reflect'),
    lambda xe: F.pad(xe, (4, 4, 0, 0), mode='reflect'),
    lambda xe: F.pad(xe, (5, 5, 0, 0), mode='circular'),
    lambda xe: F.pad(xe, (1, 1), mode='foo'),
    lambda xe: F.pad(xe, (1, 1, 0, 0), mode='reflect', value=2.),
    lambda xe: F.pad(xe, (-3, -3)),
    lambda xe: F.pad(ember.zeros(1, 1, 0, 3), (1, 1, 0, 0), mode='replicate'),
    lambda xe: F.one_hot(ember.tensor([0., 2])),
    lambda xe: F.one_hot(ember.tensor([-1, 2])),
    lambda xe: F.one_hot(ember.tensor([0, 2]), 2),
    lambda xe: F.one_hot(ember.tensor([], dtype=ember.long)),
    lambda xe: F.embedding(ember.tensor([5]), ember.zeros(5, 2)),
    lambda xe: F.embedding(ember.tensor([1.]), ember.zeros(5, 2)),
    lambda xe: nn.Embedding(5, 2, padding_idx=5),
    lambda xe: nn.Embedding.from_pretrained(ember.zeros(3)),
    lambda xe: F.dropout(ember.ones(2), 1.5),
    lambda xe: nn.Dropout(-0.1),
    lambda xe: F.dropout1d(ember.ones(2, 3, 4, 4)),
    lambda xe: F.pdist(ember.ones(3)),
    lambda xe: nn.Unflatten(1, 3),
    lambda xe: nn.Unflatten(1, (2, 'a')),
    lambda xe: F.embedding_bag(ember.tensor([1, 2]), ember.zeros(5, 2)),
    lambda xe: F.embedding_bag(ember.tensor([[1, 2]]), ember.zeros(5, 2), ember.tensor([0])),
]


@pytest.mark.parametrize('k', range(len(_ERROR_CALLS)))
def test_error_texts(k):
    exc_name, text = ERRORS[k]
    with pytest.raises(Exception) as e:
        _ERROR_CALLS[k](ember.arange(12.).reshape(1, 1, 3, 4))
    assert type(e.value).__name__ == exc_name
    assert (e.value.args[0] if e.value.args else '') == text


def _x():
    return ember.arange(12., dtype=ember.float64).reshape(1, 1, 3, 4)


@pytest.mark.parametrize('case', INTERP, ids=lambda c: f"{c[1]}-{c[2]}-{c[0]}")
def test_interpolate_2d_matches_pytorch(case):
    kw, mode, align, expected = case
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}
    got = F.interpolate(_x(), mode=mode, align_corners=align, **kw).flatten().tolist()
    if mode.startswith('nearest'):
        assert got == expected          # index rule reproduced exactly
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_interpolate_1d_and_3d_match_pytorch():
    x3 = ember.arange(6., dtype=ember.float64).reshape(1, 2, 3)
    got = [F.interpolate(x3, size=7, mode='linear'), F.interpolate(x3, scale_factor=2.5),
           F.interpolate(x3, scale_factor=1.1), F.interpolate(x3, scale_factor=1.7, mode='nearest-exact')]
    for g, e in zip(got, INTERP_1D):
        np.testing.assert_allclose(g.flatten().tolist(), e, rtol=1e-12)
    x5 = ember.arange(8., dtype=ember.float64).reshape(1, 1, 2, 2, 2)
    got = [F.interpolate(x5, scale_factor=1.5, mode='trilinear'),
           F.interpolate(x5, size=(3, 2, 4), mode='trilinear', align_corners=True), F.interpolate(x5, size=(3, 3, 3))]
    for g, e in zip(got, INTERP_3D):
        np.testing.assert_allclose(g.flatten().tolist(), e, rtol=1e-12)


def test_interpolate_gradients_match_pytorch():
    x = _x().requires_grad_()
    F.interpolate(x, size=(5, 7), mode='bilinear').mul(
        ember.arange(35., dtype=ember.float64).reshape(1, 1, 5, 7)).sum().backward()
    np.testing.assert_allclose(x.grad.flatten().tolist(), INTERP_GRAD_BILINEAR, rtol=1e-12)
    x.grad = None
    F.interpolate(x, size=(5, 6)).mul(ember.arange(30., dtype=ember.float64).reshape(1, 1, 5, 6)).sum().backward()
    assert x.grad.flatten().tolist() == INTERP_GRAD_NEAREST


def test_upsample_aliases_warn_and_forward():
    x = _x()
    with pytest.warns(UserWarning, match='`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` '
                                         'instead.'):
        assert ember.equal(F.upsample(x, scale_factor=2), F.interpolate(x, scale_factor=2))
    with pytest.warns(UserWarning):
        assert ember.allclose(F.upsample_bilinear(x, scale_factor=2),
                              F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=True))
    with pytest.warns(UserWarning):
        assert F.upsample_nearest(x, size=(6, 8)).shape == (1, 1, 6, 8)


@pytest.mark.parametrize('case', PADS, ids=lambda c: f"{c[0]}-{c[1]}")
def test_pad_values_match_pytorch(case):
    pad, kw, expected, shape = case
    y = F.pad(_x(), tuple(pad), **kw)
    assert list(y.shape) == shape and y.flatten().tolist() == expected


def test_pad_gradients_match_pytorch():
    for kw, expected in zip([dict(pad=(2, 1, 1, 2), mode='reflect'), dict(pad=(2, 1, 1, 2), mode='circular'),
                             dict(pad=(-1, 2, 1, -1), value=3.)], PAD_GRADS):
        x = _x().requires_grad_()
        F.pad(x, **kw).pow(2).sum().backward()
        assert x.grad.flatten().tolist() == expected


def test_pad_integer_tensor_and_node_name():
    assert F.pad(ember.arange(6).reshape(2, 3), (1, 1), value=1.5).tolist() == [[1, 0, 1, 2, 1], [1, 3, 4, 5, 1]]
    x = ember.ones(2, 2, requires_grad=True)
    assert F.pad(x, (1, 1)).grad_fn.name() == 'ConstantPadNdBackward0'


def test_one_hot():
    assert F.one_hot(ember.tensor([0, 2])).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert F.one_hot(ember.tensor([[1], [0]]), 3).shape == (2, 1, 3)
    e = F.one_hot(ember.tensor([], dtype=ember.long), 3)
    assert e.shape == (0, 3) and e.dtype is ember.int64


def test_embedding_gradients_with_padding_and_frequency_scaling():
    w = ember.arange(15., dtype=ember.float64).reshape(5, 3).requires_grad_()
    y = F.embedding(ember.tensor([[1, 2], [2, 2]]), w, padding_idx=2, scale_grad_by_freq=True)
    assert y.grad_fn.name() == 'EmbeddingBackward0'
    y.mul(ember.arange(12., dtype=ember.float64).reshape(2, 2, 3)).sum().backward()
    assert w.grad.tolist() == EMB_GRAD
    w.grad = None
    F.embedding(ember.tensor([[1, 2], [2, 0]]), w, padding_idx=-3).sum().backward()
    assert w.grad.tolist() == EMB_GRAD_PAD_NEG


def test_embedding_max_norm_renormalises_rows_in_place():
    w = ember.arange(15., dtype=ember.float64).reshape(5, 3)
    out = F.embedding(ember.tensor([1, 3, 3]), w, max_norm=5.0, norm_type=1.5)
    np.testing.assert_allclose(w.tolist(), EMB_MAX_NORM, rtol=1e-12)
    np.testing.assert_allclose(out.tolist(), [EMB_MAX_NORM[1], EMB_MAX_NORM[3], EMB_MAX_NORM[3]], rtol=1e-12)


def test_embedding_module():
    ember.manual_seed(0)
    emb = nn.Embedding(10, 3, padding_idx=0)
    assert repr(emb) == 'Embedding(10, 3, padding_idx=0)'
    assert emb.weight[0].tolist() == [0.0, 0.0, 0.0]
    out = emb(ember.tensor([[0, 4], [4, 9]]))
    assert out.shape == (2, 2, 3)
    out.sum().backward()
    assert emb.weight.grad[0].tolist() == [0.0, 0.0, 0.0] and emb.weight.grad[4].tolist() == [2.0, 2.0, 2.0]
    assert repr(nn.Embedding(10, 3, max_norm=1.0, norm_type=3., scale_grad_by_freq=True, sparse=True)) == \
        'Embedding(10, 3, max_norm=1.0, norm_type=3.0, scale_grad_by_freq=True, sparse=True)'
    assert nn.Embedding(4, 2, padding_idx=-1).padding_idx == 3
    table = ember.tensor([[1., 2.], [3., 4.]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad and frozen(ember.tensor([1])).tolist() == [[3.0, 4.0]]
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    assert list(emb.state_dict()) == ['weight']


def test_embedding_bag_module():
    w = ember.arange(15.).reshape(5, 3)
    bag = nn.EmbeddingBag.from_pretrained(w, mode='sum')
    assert repr(bag) == "EmbeddingBag(5, 3, mode='sum')"
    assert bag(ember.tensor([1, 2, 4]), ember.tensor([0, 2])).tolist() == [[9.0, 11.0, 13.0], [12.0, 13.0, 14.0]]
    mean = nn.EmbeddingBag(5, 3, padding_idx=2)
    assert repr(mean) == "EmbeddingBag(5, 3, mode='mean', padding_idx=2)"
    assert mean(ember.tensor([[1, 2]])).shape == (1, 3)


def test_dropout_statistics_and_modes():
    ember.manual_seed(0)
    x = ember.ones(20000)
    y = F.dropout(x, 0.3)
    kept = (y != 0).float().mean().item()
    assert abs(kept - 0.7) < 0.02
    assert ember.allclose(y[y != 0], ember.tensor(1 / 0.7))
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 1.0).sum().item() == 0.0
    z = x.clone()
    assert F.dropout(z, 0.5, inplace=True) is z and (z == 0).any()
    xr = ember.ones(4, 8, requires_grad=True)
    out = F.dropout(xr, 0.5)
    assert out.grad_fn.name() == 'MulBackward0'
    out.sum().backward()
    assert ember.equal(xr.grad, out.detach())     # the gradient is the scaled mask


def test_feature_dropout_zeroes_whole_channels():
    ember.manual_seed(1)
    y = F.dropout2d(ember.ones(4, 16, 3, 3), 0.5)
    per_channel = y.reshape(4, 16, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    y1 = nn.Dropout1d(0.5)(ember.ones(16, 5))          # unbatched (C, L)
    assert ((y1 == 0).all(-1) | (y1 == 2).all(-1)).all()
    with pytest.warns(UserWarning, match='dropout2d: Received a 3D input to dropout2d'):
        F.dropout2d(ember.ones(2, 3, 4))
    with pytest.warns(UserWarning, match='dropout3d: Received a 3-D input to dropout3d'):
        F.dropout3d(ember.ones(2, 3, 4))
    assert repr(nn.Dropout2d()) == 'Dropout2d(p=0.5, inplace=False)'


def test_alpha_dropout_keeps_mean_and_variance():
    ember.manual_seed(2)
    x = ember.randn(200000)
    y = F.alpha_dropout(x, 0.2, training=True)
    assert abs(y.mean().item()) < 0.02 and abs(y.std().item() - 1.0) < 0.02
    assert F.alpha_dropout(x, 0.2) is x                 # training defaults to False in the functional form
    assert repr(nn.AlphaDropout(0.2)) == 'AlphaDropout(p=0.2, inplace=False)'
    m = nn.FeatureAlphaDropout(0.5)
    assert m(ember.ones(2, 4, 3)).shape == (2, 4, 3)


def test_distances_match_pytorch():
    x1 = ember.tensor([[1e-5, 0., 2e-9], [1., 2., 3.]], dtype=ember.float64)
    y1 = ember.tensor([[1e-5, 1e-9, 0.], [1., 0., 3.]], dtype=ember.float64)
    got = [F.cosine_similarity(x1, y1), F.cosine_similarity(x1, y1[1:], dim=-1), F.pairwise_distance(x1, y1),
           F.pairwise_distance(x1, y1, p=1, keepdim=True), F.normalize(x1), F.normalize(x1, p=1, dim=0),
           F.pdist(ember.arange(12., dtype=ember.float64).reshape(4, 3) ** 1.5, p=3)]
    for g, e in zip(got, DIST):
        np.testing.assert_allclose(g.tolist(), e, rtol=1e-10, atol=1e-300)
    assert F.normalize(ember.zeros(2, 2)).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_flatten_unflatten_modules():
    x = ember.arange(24.).reshape(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Unflatten(1, (3, 2, 2))(nn.Flatten()(x)).shape == (2, 3, 2, 2)
    assert repr(nn.Unflatten(1, ember.Size([2, 5]))) == 'Unflatten(dim=1, unflattened_size=ember.Size([2, 5]))'


@pytest.mark.parametrize('mode, extra', [('sum', {}), ('mean', {}), ('max', {}),
                                         ('sum', {'per_sample_weights': ember.tensor([1., 2., 3., 4.])}),
                                         ('mean', {'include_last_offset': True})])
def test_embedding_bag_is_one_node_as_in_pytorch(mode, extra):
    # PyTorch records every mode as one EmbeddingBagBackward0 node (printed in the output's repr)
    weight = ember.arange(8.).reshape(4, 2).requires_grad_()
    out = F.embedding_bag(ember.tensor([0, 1, 2, 3]), weight, ember.tensor([0, 3]), mode=mode, **extra)
    assert out.grad_fn.name() == 'EmbeddingBagBackward0'
