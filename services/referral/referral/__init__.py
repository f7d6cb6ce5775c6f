"""The referral service: closed-loop referrals between organisations and the partner event stream (a skeleton that starts and answers health for now)."""
