"""The referral service: closed-loop referrals between organisations, and
the partner event stream (see ``referral.partner``)."""
