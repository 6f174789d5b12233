"""Classification: topics, province relevance and language of stored articles and of JSONL rows;
analysts' labels, active learning and the model registry.

Subpackages: ``topics``, ``relevance``, ``registry``; modules ``io`` (reading training files), ``labels``,
``active``, ``service`` (classifying files and stored articles with the promoted models), ``loading`` (which
models classify: the registry's promoted versions, the shipped default, the lazily built matcher) and
``classifier`` (one batch of rows → topics, label, province relevance, language).
May import: ``app.settings``, ``app.audit``, ``store``, ``text``.
"""
