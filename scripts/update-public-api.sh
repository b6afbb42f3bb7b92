#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of the library projects from the build's RS0016 diagnostics
# (their message holds the exact line to record). Review the diff: every line is a public API change.
# Removed APIs (RS0017) are not deleted here: delete their lines by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in src/EventLoop/EventLoop.csproj src/EventLoop.Logging/EventLoop.Logging.csproj src/EventLoop.Testing/EventLoop.Testing.csproj src/EventLoop.Hosting/EventLoop.Hosting.csproj; do
    dir=$(dirname "$proj")
    new=$(dotnet build "$proj" -c Release --no-incremental 2>&1 | grep "error RS0016" | grep "$dir/" |
        sed -E "s/.*Symbol '(.*)' is not part of the declared public API.*/\1/" | sort -u || true)
    { grep -v '^#nullable enable$' "$dir/PublicAPI.Unshipped.txt" || true; if [ -n "$new" ]; then printf '%s\n' "$new"; fi; } |
        LC_ALL=C sort -u | { echo '#nullable enable'; grep -v '^$' || true; } > "$dir/PublicAPI.Unshipped.txt.new"
    mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
    echo "$dir: $(printf '%s' "$new" | grep -c . || true) added"
done
