#!/usr/bin/env bash
# Vendor the browser assets (JS/CSS/images) that the web pages use into
# src/liptako/web/static/vendor/, so the app runs on a closed network with no
# CDN and no build step for users.
#
# Each package is fetched with `npm pack <name>@<exact version>` into a temp
# dir, the tarball is checked against the sha512 integrity pinned below (and
# against what the registry reports for that version), and only the
# distributable files listed below are copied out, together with the
# package's licence file.
#
# Usage:
#   scripts/vendor_assets.sh                    # (re)vendor everything; idempotent
#   scripts/vendor_assets.sh --print-integrity  # print the registry's dist.integrity
#                                               # for the versions pinned below
#
# To update a package: bump its version below, run with --print-integrity,
# paste the new integrity next to it, re-run without arguments, re-check the
# CSP notes in static/vendor/README.md, and review `git diff`.
#
# Needs: bash, node + npm (any registry configured for npm), tar.
set -euo pipefail

# --- pinned packages --------------------------------------------------------
# name|exact version|dist.integrity (sha512, base64) as published by the registry
PACKAGES=(
  "leaflet|1.9.4|sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
  "leaflet.markercluster|1.5.3|sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA=="
  "uplot|1.6.32|sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw=="
  "htmx.org|2.0.11|sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  "axe-core|4.14.1|sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
  "swagger-ui-dist|5.35.0|sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="
)

# Files to keep, per package: "<path in tarball, relative to package/>=<dest relative to vendor/<name>/>".
# Files are flattened out of dist/ on purpose: the repository's .gitignore
# ignores every directory named dist/. Licence files are renamed LICENSE*.txt
# because pyproject's package-data only ships known extensions (*.txt, not bare LICENSE).
files_for() {
  case "$1" in
    leaflet)
      echo "dist/leaflet.js=leaflet.js"
      echo "dist/leaflet.css=leaflet.css"
      echo "dist/images/*=images/"
      echo "LICENSE=LICENSE.txt"
      ;;
    leaflet.markercluster)
      echo "dist/leaflet.markercluster.js=leaflet.markercluster.js"
      echo "dist/MarkerCluster.css=MarkerCluster.css"
      echo "dist/MarkerCluster.Default.css=MarkerCluster.Default.css"
      echo "MIT-LICENCE.txt=LICENSE.txt"
      ;;
    uplot)
      echo "dist/uPlot.iife.min.js=uPlot.iife.min.js"
      echo "dist/uPlot.min.css=uPlot.min.css"
      echo "LICENSE=LICENSE.txt"
      ;;
    htmx.org)
      echo "dist/htmx.min.js=htmx.min.js"
      echo "LICENSE=LICENSE.txt"
      ;;
    axe-core)
      echo "axe.min.js=axe.min.js"
      echo "LICENSE=LICENSE.txt"
      echo "LICENSE-3RD-PARTY.txt=LICENSE-3RD-PARTY.txt"
      ;;
    swagger-ui-dist)
      # the bundle and its stylesheet only: /docs uses the base layout, not the standalone
      # preset (whose top bar logo is an inline <style> the CSP blocks)
      echo "swagger-ui-bundle.js=swagger-ui-bundle.js"
      echo "swagger-ui.css=swagger-ui.css"
      echo "LICENSE=LICENSE.txt"
      echo "NOTICE=NOTICE.txt"
      echo "swagger-ui-bundle.js.LICENSE.txt=LICENSE-3RD-PARTY.txt"
      ;;
    *)
      echo "vendor_assets.sh: no file list for package '$1'" >&2
      return 1
      ;;
  esac
}
# ---------------------------------------------------------------------------

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/src/liptako/web/static/vendor"

die() { echo "vendor_assets.sh: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm not found"
command -v node >/dev/null || die "node not found"
command -v tar >/dev/null || die "tar not found"

registry_integrity() {  # name version -> dist.integrity reported by the registry
  npm view "$1@$2" dist.integrity 2>/dev/null | tr -d '[:space:]'
}

file_integrity() {  # path -> "sha512-<base64>" of the file
  node -e '
    const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
  ' "$1"
}

tree_bytes() {  # dir -> total size in bytes of the regular files under it
  find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'
}

if [[ "${1:-}" == "--print-integrity" ]]; then
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r name version _ <<<"$entry"
    printf '  "%s|%s|%s"\n' "$name" "$version" "$(registry_integrity "$name" "$version")"
  done
  exit 0
elif [[ $# -gt 0 ]]; then
  die "unknown argument '$1' (see the header of this script)"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/liptako-vendor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/stage"
mkdir -p "$STAGE"

manifest_rows=()

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name version pinned <<<"$entry"
  [[ -n "$name" && -n "$version" && -n "$pinned" ]] || die "bad PACKAGES entry: $entry"
  echo "==> $name@$version"

  # 1. The registry must still publish the tarball we pinned.
  reported="$(registry_integrity "$name" "$version")"
  [[ -n "$reported" ]] || die "$name@$version: npm view returned no dist.integrity (registry unreachable or version missing)"
  [[ "$reported" == "$pinned" ]] || die "$name@$version: registry integrity $reported != pinned $pinned"

  # 2. Fetch the exact tarball.
  pkgtmp="$WORK/$name"
  mkdir -p "$pkgtmp"
  tgz_name="$(cd "$pkgtmp" && npm pack "$name@$version" --ignore-scripts --silent --json \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s)[0].filename))')"
  tgz="$pkgtmp/$tgz_name"
  [[ -f "$tgz" ]] || die "$name@$version: npm pack produced no tarball"

  # 3. Verify the downloaded bytes.
  actual="$(file_integrity "$tgz")"
  [[ "$actual" == "$pinned" ]] || die "$name@$version: tarball integrity $actual != pinned $pinned"
  echo "    integrity OK ($pinned)"

  # 4. Extract and sanity-check the package metadata.
  mkdir -p "$pkgtmp/x"
  tar -xzf "$tgz" -C "$pkgtmp/x" --no-same-owner --no-same-permissions
  src="$pkgtmp/x/package"
  meta="$(node -e 'const p=require(process.argv[1]);process.stdout.write(p.name+"|"+p.version+"|"+(p.license||""))' "$src/package.json")"
  IFS='|' read -r meta_name meta_version license <<<"$meta"
  [[ "$meta_name" == "$name" && "$meta_version" == "$version" ]] \
    || die "$name@$version: tarball's package.json says $meta_name@$meta_version"

  # 5. Copy only the distributable files, with normalised permissions.
  dest="$STAGE/$name"
  mkdir -p "$dest"
  kept=()
  while IFS='=' read -r from to; do
    # shellcheck disable=SC2206  # glob expansion is intended here
    matches=( "$src"/$from )
    [[ -e "${matches[0]}" ]] || die "$name@$version: '$from' not in tarball"
    for m in "${matches[@]}"; do
      if [[ "$to" == */ ]]; then
        target="$dest/$to$(basename "$m")"
      else
        target="$dest/$to"
      fi
      install -D -m 0644 "$m" "$target"
      kept+=( "${target#"$dest"/}" )
    done
  done < <(files_for "$name")

  files_cell="$(printf '%s\n' "${kept[@]}" | LC_ALL=C sort | sed 's/.*/`&`/' | paste -sd ' ' | sed 's/ /, /g')"
  size="$(tree_bytes "$dest")"
  manifest_rows+=( "| \`$name\` | $version | $license | $files_cell | $(( (size + 512) / 1024 )) KiB | \`$pinned\` |" )
done

# 6. Swap the staged folders in. Only the folders of the packages above are
#    replaced; README.md is regenerated; nothing else in vendor/ is touched.
mkdir -p "$VENDOR_DIR"
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name _ _ <<<"$entry"
  rm -rf "${VENDOR_DIR:?}/$name"
  cp -R "$STAGE/$name" "$VENDOR_DIR/$name"
done

total_bytes=0
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name _ _ <<<"$entry"
  total_bytes=$(( total_bytes + $(tree_bytes "$VENDOR_DIR/$name") ))
done

# 7. README.md: the table is generated; the prose below is kept in this script
#    so that a re-run never leaves a stale table behind.
{
  cat <<'EOF'
# Vendored browser assets

Everything the pages load from `/static/vendor/` is copied here from the npm
registry by `scripts/vendor_assets.sh`; nothing is fetched from a CDN and users
need no build step. **Do not edit these files by hand** — this README is
generated by the same script.

| package | version | licence | files kept (in `vendor/<package>/`) | size | tarball integrity (`dist.integrity`) |
| --- | --- | --- | --- | --- | --- |
EOF
  printf '%s\n' "${manifest_rows[@]}"
  cat <<EOF

Total: $(( (total_bytes + 512) / 1024 )) KiB. Each folder holds the package's licence file from its
tarball, renamed \`LICENSE.txt\` (axe-core also ships \`LICENSE-3RD-PARTY.txt\`,
for the code bundled into \`axe.min.js\`; swagger-ui-dist its Apache-2.0 \`NOTICE\` as
\`NOTICE.txt\` and the licences of the code bundled into \`swagger-ui-bundle.js\` as
\`LICENSE-3RD-PARTY.txt\`). The JS/CSS files are byte-identical
to the ones in the tarballs; \`leaflet.js\` and \`leaflet.markercluster.js\` end
with a \`//# sourceMappingURL=\` comment whose \`.map\` is not vendored (only the
browser's developer tools ever ask for it, and get a 404).

EOF
  cat <<'EOF'
## How to update

1. Bump the version(s) in the `PACKAGES` list at the top of
   `scripts/vendor_assets.sh`.
2. Run `scripts/vendor_assets.sh --print-integrity` and paste the printed
   `dist.integrity` values into that list.
3. Run `scripts/vendor_assets.sh`. It re-downloads every pinned tarball with
   `npm pack`, refuses to go on if the registry's `dist.integrity` or the
   tarball's own sha512 differs from the pinned value, replaces the package
   folders here and regenerates this README. Running it again with nothing
   changed leaves the tree unchanged.
4. Re-check the CSP notes below against the new versions (e.g.
   `grep -c -E 'eval\(|new Function|createElement\(.style|insertRule|<style' <file>`),
   load the pages with the strict CSP and look for violations in the console,
   then review `git diff` and commit.

## Page snippets (paths under `/static/`)

```html
<!-- htmx reads this at DOMContentLoaded: put it in <head>; see the CSP notes -->
<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false}'>

<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">
<link rel="stylesheet" href="/static/vendor/leaflet.markercluster/MarkerCluster.css">
<link rel="stylesheet" href="/static/vendor/leaflet.markercluster/MarkerCluster.Default.css">
<link rel="stylesheet" href="/static/vendor/uplot/uPlot.min.css">

<script src="/static/vendor/htmx.org/htmx.min.js" defer></script>
<script src="/static/vendor/leaflet/leaflet.js" defer></script>
<!-- after leaflet.js: it extends the global L -->
<script src="/static/vendor/leaflet.markercluster/leaflet.markercluster.js" defer></script>
<script src="/static/vendor/uplot/uPlot.iife.min.js" defer></script>
```

The API browser at `/docs` (template `docs.html`) loads
`vendor/swagger-ui-dist/swagger-ui.css` and `vendor/swagger-ui-dist/swagger-ui-bundle.js`,
then `app/docs.js`, which starts Swagger UI on the app's OpenAPI document (a static file:
the CSP allows no inline script).

The paths assume the static folder is served at `/static/` (in Jinja2,
`url_for('static', path='vendor/...')` works too if the `StaticFiles` mount is
named `static`). `vendor/axe-core/axe.min.js` is for browser
accessibility tests only and must not be referenced from page templates.

## Content-Security-Policy notes

Target policy: `script-src 'self'; style-src 'self'` (no `'unsafe-inline'`,
no `'unsafe-eval'`). Under it the browser blocks `eval`/`new Function`,
`<style>` elements and `style="..."` attributes in markup (including markup
inserted with `innerHTML`), but **allows** setting `element.style.foo = ...`
from a script (CSSOM), which is how all of these libraries position things.

- **leaflet 1.9.4** — no `eval`/`new Function` (the only `Function(` hit is
  `sortFunction(`), no `<style>` injection, no `insertRule`. Positions panes,
  tiles and markers through `element.style` (allowed). Uses `innerHTML` only
  for its own fixed markup (zoom buttons, popup close button, layer-control
  labels, attribution with an SVG flag using presentation attributes, not
  `style=`) and for **strings the page passes in**: popup/tooltip content,
  `L.divIcon({html})`, attribution text, layer names. Page code must not put
  `style="..."` or `<style>` in those strings (use classes), or pass DOM
  elements instead. Icons: `L.Icon.Default` finds its images through the CSS
  class `.leaflet-default-icon-path` in `leaflet.css`, so keep `images/` next
  to `leaflet.css` (as here). `TileLayer` sets a cancelled tile's `src` to a
  `data:image/gif` URL, so add `img-src 'self' data:` (tiles themselves must
  also come from `'self'` on a closed network).
- **leaflet.markercluster 1.5.3** — no `eval`/`new Function` (hits are
  `iconCreateFunction(`), no `<style>`. The default cluster icon is
  `L.DivIcon({html: '<div><span>N</span></div>', className: 'marker-cluster marker-cluster-small|medium|large'})`:
  classes only, styled by `MarkerCluster.Default.css`. Spiderfy animation
  sets `path.style.strokeDash*` via CSSOM (allowed). A custom
  `iconCreateFunction` must likewise use classes, not `style=` in its HTML.
- **uPlot 1.6.32** — chosen over Chart.js (4.5.x UMD is about 204 KiB minified
  against 50 KiB for uPlot + 2 KiB CSS; neither uses eval or `<style>`).
  No `eval`/`new Function`, no `innerHTML`, no `<style>`/`insertRule`: it builds
  its DOM with `createElement`/`textContent` and sizes/colours it through
  `element.style` (allowed). Needs `uPlot.min.css` linked; without it the
  chart lays out wrongly but nothing is blocked.
- **htmx 2.0.11** — two CSP problems, both switched off by config:
  1. On load it inserts `<style>.htmx-indicator{opacity:0;...}</style>` into
     `<head>` (`includeIndicatorStyles`, default true). The page must set
     `<meta name="htmx-config" content='{"includeIndicatorStyles": false, ...}'>`
     and the app's own stylesheet must carry the equivalent rules, else
     indicators are always visible:
     `.htmx-indicator{opacity:0;visibility:hidden}`
     `.htmx-request .htmx-indicator,.htmx-request.htmx-indicator{opacity:1;visibility:visible;transition:opacity 200ms ease-in}`.
  2. `eval` (`htmx.internalEval`), `new Function` for `hx-on:*` attributes,
     and `Function(...)` for `hx-trigger` event filters (`click[ctrlKey]`) and
     `js:`/`javascript:` values of `hx-vals`/`hx-vars`. These are guarded by
     `allowEval` (default true); set `"allowEval": false` so htmx raises
     `htmx:evalDisallowedError` instead of a CSP violation, and do not use
     those features in templates (put handlers in a static JS file with
     `addEventListener`/`htmx.on`).
  Also: inline `<script>` in swapped-in fragments would be re-created by
  htmx and then blocked by CSP anyway; `"allowScriptTags": false` makes htmx
  drop them. Initialise widgets on swapped content with `htmx.onLoad(...)`
  from a static script instead.
- **axe-core 4.14.1** (tests only) — `axe.min.js` contains `new Function`
  (the doT template compiler, used only when a non-default locale is passed
  to `axe.configure({locale})`, and `Function('return this')` global-object
  fallbacks in bundled polyfills) and code that creates `<style>` elements
  (helpers that copy the page's stylesheets into a detached document for
  some rules, and an `elementsFromPoint` polyfill modern browsers never use).
  With the default English messages, `axe.run()` raised no CSP violation
  under the policy above. Never load it in production pages. In browser tests
  inject it from this path, e.g. Playwright
  `page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")` (allowed by
  `script-src 'self'`), not `add_script_tag(path=...)`/`content=...`, which
  inserts an inline script that the CSP blocks; or run the accessibility
  tests in a browser context with `bypass_csp=True`.

- **swagger-ui-dist 5.35.0** (the API browser at `/docs` only) — its
  `index.html` and `swagger-initializer.js` start the UI from inline or
  separate scripts with the petstore's URL; neither is vendored: `app/docs.js`
  does it. The standalone preset is left out (its top bar logo is an SVG with
  an inline `<style>`, blocked by `style-src 'self'`); the base layout needs
  none. In `swagger-ui-bundle.js`: one `new Function("return this")`, in a
  global-object fallback reached only where `globalThis` is missing (never in
  a current browser); `<style` only as a pattern of its XML syntax
  highlighter; React sets element styles through the CSSOM (allowed);
  `innerHTML`/`dangerouslySetInnerHTML` render the document's own Markdown,
  sanitised by the bundled DOMPurify. The stylesheet's icons are
  `data:` SVG/PNG URLs (allowed by `img-src 'self' data:`). By default the UI
  would show a badge image from `validator.swagger.io` (refused by `img-src`):
  `docs.js` sets `validatorUrl: null`, so nothing is fetched from outside.

Checked when these versions were vendored: a page loading all of the above
(Leaflet map with a marker, popup, layers and scale controls, 200 clustered
markers, a uPlot chart, an htmx `hx-trigger="load"` swap and a
`click[ctrlKey]` filter) under the app's policy (`liptako.web.middleware.CSP`:
`default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; ...`)
in headless Chromium 156 gave **no
CSP violation** with the `htmx-config` meta above, and exactly three without
it, all from htmx: the indicator `<style>`, `eval` of the trigger filter, and
the inline `<script>` of the swapped fragment.
EOF
} > "$VENDOR_DIR/README.md"

echo
echo "Vendored into ${VENDOR_DIR#"$REPO_ROOT"/}: $(( (total_bytes + 512) / 1024 )) KiB"

# 8. Informational CSP scan of the vendored scripts (counts of risky patterns).
echo "CSP pattern scan (occurrences):"
for f in "$VENDOR_DIR"/*/*.js; do
  printf '  %-45s' "${f#"$VENDOR_DIR"/}"
  for pat in 'eval(' 'new Function' "createElement(\"style\")" "createElement('style')" 'insertRule' '<style' 'innerHTML'; do
    n="$( { grep -oF -- "$pat" "$f" || true; } | wc -l)"
    printf ' %s=%s' "$pat" "$n"
  done
  echo
done
