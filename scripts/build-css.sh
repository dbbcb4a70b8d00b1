#!/bin/sh
# Rebuild static/css/app.css from static/src/app.scss and vendor GOV.UK Frontend's JavaScript.
# Needs Node.js and npm; the app itself does not. Run from anywhere: scripts/build-css.sh
# Update GOVUK_FRONTEND_VERSION here and in the comment at the top of app.scss together.
set -eu

GOVUK_FRONTEND_VERSION=5.14.0
SASS_VERSION=1.108.2

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init --yes >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

# GOV.UK Frontend 5 still uses Sass @import and global functions; hide the deprecation
# warnings that come from it (--quiet-deps) and from our own @import of it.
npx sass --no-source-map --style=compressed --quiet-deps \
  --silence-deprecation=import --silence-deprecation=global-builtin \
  --load-path=node_modules \
  "$ROOT/static/src/app.scss" "$ROOT/static/css/app.css"

# Without its source map (not vendored), so collectstatic has no missing file to look for.
sed 's|//# sourceMappingURL=.*$||' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
  >"$ROOT/static/js/govuk-frontend.min.js"

if grep -q -i "GDS Transport\|govuk-crest\|woff" "$ROOT/static/css/app.css"; then
  echo "app.css refers to the GDS Transport font or the crown" >&2
  exit 1
fi
echo "Built static/css/app.css with GOV.UK Frontend $GOVUK_FRONTEND_VERSION"
