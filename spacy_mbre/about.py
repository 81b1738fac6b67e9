__title__ = "spacy-mbre"
__version__ = "0.1.0"
