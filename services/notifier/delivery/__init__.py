"""The notifier's special room: the way from an event to a recorded attempt, outside any
request. `alerts` reads other services' events as alerts, `context` holds what sending needs
(settings, secret box, address policy, one HTTP client), `worker` claims due deliveries and
sends them through `senders/`, `outcomes` records each attempt and dead-letters what is given up.
"""
