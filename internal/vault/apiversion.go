package vault

import (
	"net/http"
	"strings"
	"time"
)

// latestAPIVersion is the newest version azsecrets v1.5.1 sends.
const latestAPIVersion = "2026-04-01"

// firstDatedVersion is the earliest dated Key Vault API version accepted;
// every later date is accepted too, so newer SDKs keep working.
var firstDatedVersion = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// checkAPIVersion accepts 7.0 through 7.x (with an optional "-preview"
// suffix) and dated versions from firstDatedVersion on. The wire format
// of secrets has not changed across them.
func checkAPIVersion(r *http.Request) *apiError {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		return badParameter("The 'api-version' query parameter is missing. The latest supported version is %s.", latestAPIVersion)
	}
	base, _, _ := strings.Cut(v, "-preview")
	if len(base) == 3 && base[0] == '7' && base[1] == '.' && base[2] >= '0' && base[2] <= '9' {
		return nil
	}
	if d, err := time.Parse(time.DateOnly, base); err == nil && !d.Before(firstDatedVersion) {
		return nil
	}
	return badParameter("The specified version (%s) is not recognized. Consider using the latest supported version (%s).",
		truncate(v, 40), latestAPIVersion)
}

// truncate bounds client input echoed in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
