"""`bantin alerts`, `digest`, `subscriptions`, `outbox` and `webhooks`: the commands that tell the office
(alert rules and runs, the daily digest, who receives what, the outgoing messages); may import bantin.cli.common and
the alerts, delivery and app packages."""
