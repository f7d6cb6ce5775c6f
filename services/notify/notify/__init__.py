"""The notify service: messages to team members and partners, in the inbox, by e-mail, SMS and webhook.

``service`` holds the nameko entrypoints, ``use_cases`` the stories they run,
``rules`` the decisions, ``ports`` what the stories need of the world, and
``repository``, ``channels`` and ``dependencies`` the adapters that provide it.
"""
