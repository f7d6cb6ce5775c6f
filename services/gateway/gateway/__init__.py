"""The gateway service: the HTTP door for key workers and partners.

``service`` takes each request and answers it; ``rules`` decides who may do
what to which object; ``use_cases`` asks the services behind the gateway and
applies the rules; ``schemas`` and ``openapi`` describe the bodies and the API.
"""
