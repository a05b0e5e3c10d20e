package sqlstore

import (
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	pg := &Dialect{Numbered: true}
	lite := &Dialect{}
	q := `SELECT a FROM t WHERE x = ? AND (y = ? OR substr(z, 1, ?) = ?)`
	if got, want := pg.rebind(q), `SELECT a FROM t WHERE x = $1 AND (y = $2 OR substr(z, 1, $3) = $4)`; got != want {
		t.Errorf("numbered: %s", got)
	}
	if got := lite.rebind(q); got != q {
		t.Errorf("question marks changed: %s", got)
	}
}

func TestBelowCountsRunes(t *testing.T) {
	_, args := below("k", "/subscriptions/é")
	if args[0] != 17 || args[1] != "/subscriptions/é/" {
		t.Errorf("below = %v", args)
	}
}

func TestTimeRoundTripAndOrder(t *testing.T) {
	times := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2025, 3, 1, 10, 0, 0, 5, time.FixedZone("x", 3600)),
		time.Date(2025, 3, 1, 10, 0, 0, 50, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	}
	prev := ""
	for _, tm := range times {
		s := encTime(tm)
		got, err := decTime(s)
		if err != nil || !got.Equal(tm) || got.Location() != time.UTC {
			t.Errorf("%v -> %q -> %v, %v", tm, s, got, err)
		}
		if s <= prev {
			t.Errorf("%q does not sort after %q", s, prev)
		}
		prev = s
	}
	if encTime(time.Time{}) != "" {
		t.Error("zero time not empty")
	}
	if z, err := decTime(""); err != nil || !z.IsZero() {
		t.Error("empty not zero time")
	}
}
