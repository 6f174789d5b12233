"""Finding the province's places in an article: the fields as the matcher reads them (``fields``), the token
automaton (``tokenindex``), the scanner's tables and context tests (``tables``), the scan with its traps (``places``)
and what one hit weighs (``weights``). Pure computation over a built gazetteer; may import bantin.text and
bantin.classify.relevance's gazetteer, data and lexicon, nothing that touches a database."""
