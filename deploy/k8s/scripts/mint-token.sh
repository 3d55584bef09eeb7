#!/usr/bin/env bash
# Prints a JWT (RS256) signed with a private key, for deployments without an identity provider:
#   mint-token.sh <private-key.pem> <subject> <roles> [days]
# roles: comma-separated groups claim (worker, orchestrator; viewer, operator, admin for people). The services verify
# it with the matching public key; issuer and audience are "cohort" unless JWT_ISSUER or JWT_AUDIENCE say otherwise
# (MP_JWT_VERIFY_ISSUER, MP_JWT_VERIFY_AUDIENCES). Needs openssl.
set -euo pipefail

usage="usage: mint-token.sh <private-key.pem> <subject> <roles> [days]"
key=${1:?$usage}
subject=${2:?$usage}
roles=${3:?$usage}
days=${4:-90}
issuer=${JWT_ISSUER:-cohort}
audience=${JWT_AUDIENCE:-cohort}
# Values go into JSON unescaped: only characters that need no escaping.
for value in "$subject" "$roles" "$issuer" "$audience"; do
  [[ "$value" =~ ^[A-Za-z0-9._@:/,-]+$ ]] || { echo "unexpected characters in '$value'" >&2; exit 64; }
done
[[ "$days" =~ ^[0-9]+$ ]] || { echo "days must be a number: '$days'" >&2; exit 64; }

b64url() { openssl base64 -e -A | tr '+/' '-_' | tr -d '='; }

groups=$(printf '"%s",' ${roles//,/ })
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","aud":"%s","sub":"%s","upn":"%s","groups":[%s],"iat":%d,"exp":%d,"jti":"%s"}' \
  "$issuer" "$audience" "$subject" "$subject" "${groups%,}" "$now" $((now + days * 86400)) \
  "$(openssl rand -hex 16)" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
