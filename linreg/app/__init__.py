"""The only Streamlit code in the package: URL and session state, presets, the shared
sidebar, cached runs and uploads, the vocabulary of labels.  Page bodies live in
``pages/``."""
