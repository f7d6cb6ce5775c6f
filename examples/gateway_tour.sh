#!/usr/bin/env bash
# The whole story over plain HTTP with curl (and jq), as the README tells it.
# Start tiimi first (`make run`), then: bash examples/gateway_tour.sh
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in curl jq; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if (( ${#missing[@]} )); then
  echo "gateway_tour.sh needs curl and jq (not found: ${missing[*]}); install them:" \
    "\`apt-get install -y curl jq\` (Debian, Ubuntu) or \`brew install curl jq\` (macOS)" >&2
  exit 2
fi
API=${TIIMI_API:-http://127.0.0.1:8000}
curl -sSf -o /dev/null "$API/openapi.json" 2>/dev/null \
  || { echo "no gateway answers at $API: start tiimi first (make run), or set TIIMI_API" >&2; exit 2; }
mint() { .venv/bin/python -m gateway.mint "$@"; }
hetu() { .venv/bin/python -c 'import sys; sys.path.insert(0, "examples"); import tour; print(tour.made_up_identity_code())'; }
step() { printf '\n== %s\n' "$*"; }

KW=$(mint --professional sw-1001 --organisation 1234567-8)      # the key worker, of the county
NGO=$(mint --partner desk-1 --organisation 0123456-7)            # a partner organisation
OUT=$(mint --professional sw-9999 --organisation 1234567-8)     # a professional outside the team
kw() { curl -sS -H "Authorization: Bearer $KW" -H 'content-type: application/json' "$@"; }

step "register a client"
CLIENT=$(kw -X POST "$API/clients" -d "{\"name\": \"Made-up Person\", \"personal_identity_code\": \"$(hetu)\",
  \"preferred_language\": \"fi\", \"municipality\": \"837\"}" | jq -r .id)
echo "client $CLIENT"

step "make the team (the caller is the key worker)"
TEAM=$(kw -X POST "$API/teams" -d "{\"client_id\": \"$CLIENT\", \"name\": \"S. Social\", \"role\": \"social_worker\"}" | jq -r .id)
echo "team $TEAM"

step "record the client's consent: basic to the NGO, for referral"
kw -X POST "$API/clients/$CLIENT/consents" -d '{"given_by": {"kind": "client"}, "recipient_organisation": "0123456-7",
  "categories": ["basic"], "purposes": ["referral"], "method": "written"}' | jq '{id, categories, purposes}'

step "add a nurse of the county to the team"
kw -X POST "$API/teams/$TEAM/members" -d '{"kind": "professional", "professional": {"professional_id": "nurse-5",
  "name": "N. Nurse", "organisation": "1234567-8", "role": "nurse"}}' | jq '{id, status}'

step "draft and send a referral: basic is shared, health is withheld"
REFERRAL=$(kw -X POST "$API/referrals" -d "{\"client_id\": \"$CLIENT\", \"target_organisation\": \"0123456-7\",
  \"service\": \"ngo_peer_support\", \"reason\": \"peer support\", \"accept_by\": \"$(date -u -d '+3 days' +%FT%TZ)\",
  \"share\": {\"basic\": {\"language\": \"fi\"}, \"health\": {\"note\": \"not for the partner\"}}}" | jq -r .id)
kw -X POST "$API/referrals/$REFERRAL/send" | jq '{status, shared_categories, withheld}'

step "the partner sees it, and answers: accept, start, complete"
curl -sS -H "Authorization: Bearer $NGO" "$API/partner/referrals" | jq '[.[] | {id, status}]'
for answer in accept start; do
  curl -sS -X POST -H "Authorization: Bearer $NGO" "$API/partner/referrals/$REFERRAL/$answer" | jq -c '{status}'
done
curl -sS -X POST -H "Authorization: Bearer $NGO" -H 'content-type: application/json' \
  "$API/partner/referrals/$REFERRAL/complete" -d '{"outcome": {"code": "goal_met", "summary": "joined a group"}}' | jq -c '{status, outcome}'

step "the key worker follows the referral's history"
kw "$API/referrals/$REFERRAL" | jq -c '.history[] | [.to_status, .by, .by_organisation]'

step "the key worker's inbox (the partner's answers)"
sleep 1
kw "$API/inbox" | jq -c '[.[] | select(.message == "referral_answered")][:3][] | [.message, .subject]'

step "a professional outside the team is refused the client"
curl -sS -H "Authorization: Bearer $OUT" "$API/clients/$CLIENT" | jq -c '{status, title, detail}'

step "every route is described"
curl -sS "$API/openapi.json" | jq -r '.paths | keys | length as $n | "\($n) paths in /openapi.json"'
