package vault

import "testing"

func TestRoute(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		action       string // "" when an error is expected
		name, ver    string
		status       int
	}{
		{"GET", "/secrets", actionReadMetadata, "", "", 0},
		{"GET", "/secrets/", actionReadMetadata, "", "", 0},
		{"GET", "/Secrets/Abc", actionGetSecret, "Abc", "", 0},
		{"GET", "/secrets/abc/", actionGetSecret, "abc", "", 0},
		{"GET", "/secrets/abc/0123", actionGetSecret, "abc", "0123", 0},
		{"PATCH", "/secrets/abc/", actionUpdate, "abc", "", 0},
		{"PATCH", "/secrets/abc", actionUpdate, "abc", "", 0},
		{"PUT", "/secrets/abc", actionSetSecret, "abc", "", 0},
		{"DELETE", "/secrets/abc", actionDelete, "abc", "", 0},
		{"GET", "/secrets/abc/VERSIONS", actionReadMetadata, "abc", "", 0},
		{"POST", "/secrets/abc/backup", actionBackup, "abc", "", 0},
		{"POST", "/secrets/restore", actionRestore, "restore", "", 0},
		{"PUT", "/secrets/restore", actionSetSecret, "restore", "", 0}, // a secret named restore
		{"GET", "/deletedsecrets", actionReadMetadata, "", "", 0},
		{"GET", "/deletedsecrets/abc", actionReadMetadata, "abc", "", 0},
		{"DELETE", "/deletedsecrets/abc", actionPurge, "abc", "", 0},
		{"POST", "/deletedsecrets/abc/recover", actionRecover, "abc", "", 0},
		{"GET", "/secrets//versions", "", "", "", 400},
		{"GET", "/secrets//", "", "", "", 400},
		{"PUT", "/secrets/a.b", "", "", "", 400},
		{"GET", "/deletedsecrets/a_b", "", "", "", 400},
		{"GET", "/secrets/a/b/c", "", "", "", 404},
		{"GET", "/", "", "", "", 404},
		{"GET", "/keys", "", "", "", 404},
		{"PUT", "/secrets", "", "", "", 405},
		{"POST", "/secrets/abc", "", "", "", 405},
		{"GET", "/deletedsecrets/abc/recover", "", "", "", 405},
	} {
		op, err := route(tc.method, tc.path)
		if tc.action == "" {
			if err == nil || err.status != tc.status {
				t.Errorf("%s %s: error %v, want status %d", tc.method, tc.path, err, tc.status)
			}
			continue
		}
		if err != nil || op.action != tc.action || op.name != tc.name || op.version != tc.ver {
			t.Errorf("%s %s = %q %q %q, %v; want %q %q %q", tc.method, tc.path, op.action, op.name, op.version, err, tc.action, tc.name, tc.ver)
		}
	}
}
