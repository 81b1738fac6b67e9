"""The two spacy-llm tasks of the M-BRe miner: grouped multi-class
(``spacy-mbre.GroupedMultiClass.v1``) and binary verification
(``spacy-mbre.BinaryVerify.v1``)."""
