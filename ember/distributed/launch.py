"""``python -m ember.distributed.launch`` (PyTorch's deprecated ``torch.distributed.launch``): the
launcher of ``ember.distributed.run`` that also passes each process ``--local-rank=<its local rank>``
as the script's first argument, unless ``--use-env`` (then scripts read ``LOCAL_RANK``)."""
import warnings

from ember.distributed.run import get_args_parser, run

__all__ = ['parse_args', 'launch', 'main']


def parse_args(args):
    parser = get_args_parser()
    parser.add_argument('--use-env', '--use_env', default=False, action='store_true',
                        help="Use environment variable to pass 'local rank'. For legacy reasons, the default value "
                             "is False. If set to True, the script will not pass --local-rank as argument, and "
                             "will instead set LOCAL_RANK.")
    return parser.parse_args(args)


def launch(args):
    if args.no_python and not args.use_env:
        raise ValueError("When using the '--no-python' flag, you must also set the '--use-env' flag.")
    if args.use_env:
        return run(args)
    # each process learns its local rank only once started: a small runner puts it in the arguments
    script = ['-m' if args.module else '--script', args.training_script]
    args.module, args.training_script = True, 'ember.distributed._local_rank_arg'
    return run(args, _extra_script_args=script)


def main(args=None):
    warnings.warn("The module ember.distributed.launch is deprecated\nand will be removed in future. Use "
                  "ember.distributed.run (torchrun).\nNote that --use-env is set by default in torchrun.\nIf your "
                  "script expects `--local-rank` argument to be set, please\nchange it to read from "
                  "`os.environ['LOCAL_RANK']` instead.", FutureWarning, stacklevel=2)
    import sys
    code = launch(parse_args(args))
    if code:
        sys.exit(code)


if __name__ == '__main__':
    main()
