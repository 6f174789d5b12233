"""Delivery (issue #11): subscriptions, the transactional outbox, and sending what is in it, by email over
SMTP and by signed webhooks (Standard Webhooks); the RFC 8058 one-click unsubscribe headers. docs/delivery.md.

Owns: subscriptions and webhook endpoints (``subscriptions``, ``webhooks``), adding messages to the outbox
in the caller's transaction with a UNIQUE dedup key and a stable Message-ID (``outbox``), claiming due rows
under a lease and delivering them with backoff (``sender``, ``smtp``), the unsubscribe link and headers
(``unsubscribe``). The tables are declared in ``store/delivery.py``.
May import: ``store``, ``app`` (settings, stats, audit). Imported by the CLI, the app's jobs, ``web`` (the
unsubscribe pages), and ``digest`` / ``alerts``, which hand it their messages.
"""
