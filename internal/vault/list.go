package vault

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Paging: Key Vault's maxresults is 1-25, 25 by default.
const maxPage = 25

// page is a listing request's position and size.
type page struct {
	after string
	size  int
}

// readPage parses maxresults and $skiptoken. The token is the last key of
// the previous page, base64url-encoded so that it survives the SDK's
// re-encoding of the nextLink query.
func readPage(r *http.Request) (page, *apiError) {
	q := r.URL.Query()
	p := page{size: maxPage}
	if s := q.Get("maxresults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			return p, badParameter("The 'maxresults' parameter must be an integer from 1 to %d.", maxPage)
		}
		p.size = n
	}
	if s := q.Get("$skiptoken"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) > 256 {
			return p, badParameter("The '$skiptoken' parameter is not valid.")
		}
		p.after = string(b)
	}
	return p, nil
}

// storePage asks the store for one more entry than the page holds, to
// learn whether another page follows.
func (p page) storePage() store.SecretPage {
	return store.SecretPage{After: p.after, Limit: p.size + 1}
}

// nextLink is absolute and carries the api-version: azsecrets follows it
// verbatim and adds nothing (PROTOCOLS §7.2).
func (p page) nextLink(c *call, last string) *string {
	s := c.addr.BaseURL + c.addr.Path + "?api-version=" + url.QueryEscape(c.r.URL.Query().Get("api-version")) +
		"&$skiptoken=" + base64.RawURLEncoding.EncodeToString([]byte(last)) + "&maxresults=" + strconv.Itoa(p.size)
	return &s
}

// writePage trims items to the page size and writes it, with a nextLink
// after lastKey(items[size-1]) if the store had more.
func writePage[T any](c *call, p page, items []T, show func(T) secretJSON, lastKey func(T) string) {
	out := listJSON{Value: []secretJSON{}}
	if len(items) > p.size {
		items = items[:p.size]
		out.NextLink = p.nextLink(c, lastKey(items[len(items)-1]))
	}
	for _, it := range items {
		out.Value = append(out.Value, show(it))
	}
	writeJSON(c.w, http.StatusOK, out)
}

// list is GET /secrets: each live secret's latest version, without value.
func (h *Handler) list(c *call) error {
	p, perr := readPage(c.r)
	if perr != nil {
		return perr
	}
	vs, err := h.store.ListSecrets(c.ctx(), c.vault.ID, p.storePage())
	if err != nil {
		return internal(err)
	}
	writePage(c, p, vs, func(v store.SecretVersion) secretJSON { return render(c.addr.IDBase(), v, false) },
		func(v store.SecretVersion) string { return v.Name })
	return nil
}

// listVersions is GET /secrets/{name}/versions, oldest first.
func (h *Handler) listVersions(c *call) error {
	p, perr := readPage(c.r)
	if perr != nil {
		return perr
	}
	vs, err := h.store.ListSecretVersions(c.ctx(), c.vault.ID, c.op.name, p.storePage())
	if errors.Is(err, store.ErrNotFound) {
		return secretNotFound(c.op.name, "")
	}
	if err != nil {
		return internal(err)
	}
	writePage(c, p, vs, func(v store.SecretVersion) secretJSON { return render(c.addr.IDBase(), v, true) },
		func(v store.SecretVersion) string { return v.Version })
	return nil
}

// listDeleted is GET /deletedsecrets.
func (h *Handler) listDeleted(c *call) error {
	p, perr := readPage(c.r)
	if perr != nil {
		return perr
	}
	ds, err := h.store.ListDeletedSecrets(c.ctx(), c.vault.ID, p.storePage())
	if err != nil {
		return internal(err)
	}
	writePage(c, p, ds, func(d store.DeletedSecret) secretJSON { return renderDeleted(c.addr.IDBase(), d, false) },
		func(d store.DeletedSecret) string { return d.Latest.Name })
	return nil
}
