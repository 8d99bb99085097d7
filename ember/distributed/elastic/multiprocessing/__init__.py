"""ember.distributed.elastic.multiprocessing: error reporting for the processes of a job (see ``errors``)."""
