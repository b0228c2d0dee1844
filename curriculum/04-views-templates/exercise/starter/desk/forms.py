"""Forms of the help desk.

TODO(thin-views): write a CommentForm whose ``body`` is required (blank or only spaces is
refused) and at most 2000 characters long, and use it in the comment view.
"""
