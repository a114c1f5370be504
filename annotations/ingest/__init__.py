"""Text -> sentences -> claims.

- ``files``: read a document's bytes as text and its optional ``NAME.json`` metadata.
- ``sentences``: split text into sentences with offsets into the original text.
- ``boilerplate``: the rules that drop lines which are not claims (adverts, credits, ...).
- ``normalise``: the claim text whose hash identifies a claim across documents.
- ``extract``: the above put together: text -> the document's sentences and what was dropped.
- ``loader``: paths -> documents stored through ``workflow.document_load``.

Everything but ``loader.load_paths`` is a pure function: the writes are the workflow's.
"""
