"""The rewriter wing: a streaming, byte-exact HTML rewriter with HTMLRewriter's API."""
