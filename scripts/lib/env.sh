# shellcheck shell=bash
# The git-ignored env file that scripts/run.sh fills on first run and reuses afterwards.
# Variables already set by the caller always win over the file.

# env_load FILE: exports every KEY=VALUE of FILE whose KEY is not set yet.
env_load() {
  local file=$1 key value line
  [ -f "$file" ] || return 0
  # Split at the first '=' only: `IFS='=' read` drops a trailing '=', which base64 keys end with.
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|\#*) continue ;; *=*) ;; *) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    if [ -z "${!key+x}" ]; then export "$key=$value"; fi
  done < "$file"
}

# env_remember FILE KEY VALUE: appends KEY=VALUE to FILE (created private) and exports it.
env_remember() {
  local file=$1 key=$2 value=$3
  [ -f "$file" ] || { touch "$file"; chmod 600 "$file"; }
  echo "$key=$value" >> "$file"
  export "$key=$value"
}

# Random URL-safe text of about $1 bytes of entropy.
random_token() { head -c "${1:-24}" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
