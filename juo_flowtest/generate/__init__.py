"""``juo-flowtest generate``: flow files that together reach every path of a workflow."""
