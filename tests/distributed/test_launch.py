"""``ember run --nproc N`` launches through mpirun; torchrun-style scripts find RANK/WORLD_SIZE/LOCAL_RANK;
a checkpoint saved on rank 0 loads on every rank."""
from ember import cli
from tests.distributed._launch import passed


def test_ember_run_nproc_runs_a_torchrun_style_script(two_rank_run):
    # the shared job is started with `ember run --nproc 2`; its first script is written for torchrun
    assert passed(two_rank_run, 'torchrun'), two_rank_run


def test_nproc_option_is_parsed_before_the_script(capsys):
    parser = cli._parser()
    assert cli._take_nproc(parser, ['--nproc', '3', 'train.py', '--nproc', '9']) == (3, ['train.py', '--nproc', '9'])
    assert cli._take_nproc(parser, ['--nproc=2', '-m', 'pkg']) == (2, ['-m', 'pkg'])
    assert cli._take_nproc(parser, ['train.py']) == (None, ['train.py'])
    for bad in (['--nproc', 'x', 'a.py'], ['--nproc', '0', 'a.py'], ['--nproc']):
        try:
            cli._take_nproc(parser, bad)
            raise AssertionError('no error')
        except SystemExit as e:
            assert e.code == 2
    assert 'argument --nproc' in capsys.readouterr().err
