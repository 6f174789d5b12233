"""Classification: topics, province relevance and language of stored articles and of JSONL rows;
analysts' labels, active learning and the model registry.

Subpackages: ``topics``, ``relevance``, ``registry``; modules ``io`` (reading training files), ``labels``,
``active``, ``service`` (classifying with the promoted models).
May import: ``app.settings``, ``app.audit``, ``store``, ``text``.
"""
