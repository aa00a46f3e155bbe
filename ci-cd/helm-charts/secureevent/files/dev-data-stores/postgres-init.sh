# Sourced by the postgres image's entrypoint at the first start (empty data directory) only.
# One database per service, owned by the service's role: the service creates its schema there and
# can neither reach another service's database nor create roles or databases (least privilege).
# The passwords come from the Secret dev-data-stores (environment of the container).
for pair in user_service:users event_service:events notification_service:notifications audit_service:audit; do
  role=${pair%%:*}
  database=${pair#*:}
  var="$(printf '%s' "$role" | tr '[:lower:]' '[:upper:]')_POSTGRES_PASSWORD"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" --dbname postgres \
    -v role="$role" -v database="$database" -v password="${!var:?$var is not set}" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done
