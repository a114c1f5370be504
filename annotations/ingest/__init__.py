"""Text -> sentences -> claims.

- ``files``: read a document's bytes as text and its optional ``NAME.json`` metadata.
- ``sentences``: split text into sentences with offsets into the original text.
- ``boilerplate``: the rules that drop lines which are not claims (adverts, credits, ...).
- ``normalise``: the claim text whose hash identifies a claim across documents.
- ``extract``: the above put together: text -> the document's sentences and what was dropped.
- ``signals``: a claim's check-worthiness signals (a number, a quotation, who it is attributed to).
- ``documents``: a file -> the document to store (``DocumentInput``) and what was dropped.
- ``html``: a saved or fetched web page -> its article and metadata (trafilatura).
- ``fetch``: a web address -> its page, safely (limits, no private addresses); ``feeds``: RSS and Atom.
- ``reading``: what an import was given (file, text, address) -> the document to store, or why not.

Everything here is pure text processing: no database, no Django set-up, nothing of the app
outside this package. Storing documents is the workflow's (``workflow.loading``).
"""
