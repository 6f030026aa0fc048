#!/usr/bin/env bash
# Vendor NHS.UK frontend's compiled CSS and JS into static/nhsuk/ so nothing loads from a CDN.
#
# Usage: scripts/update-nhsuk-frontend.sh [VERSION]
#   VERSION defaults to the one recorded in static/nhsuk/VERSION (e.g. 10.6.1).
#
# Needs npm (only `npm pack`, which downloads the published tarball; nothing is
# installed into the project) and perl.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/static/nhsuk"
version_file="${dest}/VERSION"

if [[ $# -ge 1 && -n "$1" ]]; then
  version="$1"
elif [[ -f "${version_file}" ]]; then
  version="$(tr -d '[:space:]' < "${version_file}")"
else
  echo "No version given and ${version_file} does not exist." >&2
  echo "Usage: $0 VERSION   (for example: $0 10.6.1)" >&2
  exit 2
fi

workdir="$(mktemp -d)"
trap 'rm -rf "${workdir}"' EXIT

echo "Fetching nhsuk-frontend@${version}…"
(cd "${workdir}" && npm pack --silent "nhsuk-frontend@${version}" > /dev/null)
tarball="$(ls "${workdir}"/nhsuk-frontend-*.tgz)"
tar -xzf "${tarball}" -C "${workdir}"
dist="${workdir}/package/dist/nhsuk"

# The exact version npm resolved (VERSION may have been a range such as "10").
resolved="$(node -p "require('${workdir}/package/package.json').version")"

for f in nhsuk-frontend.min.css nhsuk-frontend.min.js; do
  [[ -f "${dist}/${f}" ]] || { echo "Expected ${f} in the package's dist/nhsuk/" >&2; exit 1; }
done

rm -rf "${dest}"
mkdir -p "${dest}/assets/images"

cp "${dist}/nhsuk-frontend.min.css" "${dest}/nhsuk-frontend.min.css"
cp "${dist}/nhsuk-frontend.min.js" "${dest}/nhsuk-frontend.min.js"

# 1. Remove the @font-face rules. They load Frutiger from https://assets.nhs.uk,
#    an external host: it would leak every visitor's IP address to a third party,
#    break under a strict Content-Security-Policy, and Frutiger is licensed for
#    NHS.UK, not for us. static/css/portal.css sets a system font stack instead.
# 2. The CSS refers to its icons as url(/assets/images/…), an absolute path that
#    only works if the files sit at the site root. Make them relative to the CSS
#    file so they resolve under STATIC_URL (and get hashed by the manifest storage).
# 3. Drop sourceMappingURL comments: we do not ship the .map files, and Django's
#    ManifestStaticFilesStorage fails collectstatic on a missing map.
perl -0pi -e '
  s/\@font-face\{[^}]*\}//g;
  s/url\(\s*(["\x27]?)\/assets\/images\//url($1assets\/images\//g;
  s/\/\*# sourceMappingURL=[^*]*\*\/\s*//g;
' "${dest}/nhsuk-frontend.min.css"
perl -0pi -e 's/\/\/# sourceMappingURL=\S+\s*$//' "${dest}/nhsuk-frontend.min.js"

# Copy only the images the CSS actually refers to.
grep -o 'url([^)]*)' "${dest}/nhsuk-frontend.min.css" \
  | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' \
  | grep '^assets/' | sort -u \
  | while read -r asset; do
      mkdir -p "${dest}/$(dirname "${asset}")"
      cp "${dist}/${asset}" "${dest}/${asset}"
    done

# Nothing left may point at another host.
if grep -Eq 'url\(["'\'']?(https?:)?//' "${dest}/nhsuk-frontend.min.css"; then
  echo "The CSS still refers to an external URL:" >&2
  grep -Eo 'url\(["'\'']?(https?:)?//[^)]*\)' "${dest}/nhsuk-frontend.min.css" >&2
  exit 1
fi

echo "${resolved}" > "${version_file}"

echo "Vendored nhsuk-frontend ${resolved} into ${dest#"${repo_root}"/}:"
(cd "${dest}" && find . -type f | sort | sed 's|^\./|  |')
