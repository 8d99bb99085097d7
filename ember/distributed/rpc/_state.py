"""The RPC agent of this process (None until ``init_rpc``, again after ``shutdown``)."""
agent = None
