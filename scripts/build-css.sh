#!/bin/sh
# Rebuild static/css/app.css from static/src/app.scss and vendor GOV.UK Frontend's JavaScript.
# Needs Node.js and npm; the app itself does not. Run from anywhere: scripts/build-css.sh
# Update GOVUK_FRONTEND_VERSION here and in the comment at the top of app.scss together.
#
# scripts/build-css.sh --check builds into a temporary folder instead and fails if the
# committed static/css/app.css or static/js/govuk-frontend.min.js differ from the build
# (CI runs it, so nobody edits app.css by hand or forgets to rebuild it).
set -eu

GOVUK_FRONTEND_VERSION=5.14.0
SASS_VERSION=1.108.2

case "${1:-}" in
"") CHECK=false ;;
--check) CHECK=true ;;
*)
  echo "usage: scripts/build-css.sh [--check]" >&2
  exit 2
  ;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/out"
mkdir -p "$OUT/css" "$OUT/js"

cd "$WORK"
npm init --yes >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

# GOV.UK Frontend 5 still uses Sass @import and global functions; hide the deprecation
# warnings that come from it (--quiet-deps) and from our own @import of it.
npx sass --no-source-map --style=compressed --quiet-deps \
  --silence-deprecation=import --silence-deprecation=global-builtin \
  --load-path=node_modules \
  "$ROOT/static/src/app.scss" "$OUT/css/app.css"

# Without its source map (not vendored), so collectstatic has no missing file to look for.
sed 's|//# sourceMappingURL=.*$||' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
  >"$OUT/js/govuk-frontend.min.js"

if grep -q -i "GDS Transport\|govuk-crest\|woff" "$OUT/css/app.css"; then
  echo "app.css refers to the GDS Transport font or the crown" >&2
  exit 1
fi

if [ "$CHECK" = true ]; then
  stale=""
  for file in css/app.css js/govuk-frontend.min.js; do
    if ! cmp -s "$OUT/$file" "$ROOT/static/$file"; then
      stale="$stale static/$file"
    fi
  done
  if [ -n "$stale" ]; then
    echo "Not what static/src/app.scss and GOV.UK Frontend $GOVUK_FRONTEND_VERSION build to:$stale" >&2
    echo "Run scripts/build-css.sh and commit the result." >&2
    exit 1
  fi
  echo "static/css/app.css and static/js/govuk-frontend.min.js are what scripts/build-css.sh builds."
  exit 0
fi

cp "$OUT/css/app.css" "$ROOT/static/css/app.css"
cp "$OUT/js/govuk-frontend.min.js" "$ROOT/static/js/govuk-frontend.min.js"
echo "Built static/css/app.css with GOV.UK Frontend $GOVUK_FRONTEND_VERSION"
