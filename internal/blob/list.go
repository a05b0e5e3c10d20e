package blob

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// listQuery is the paging part of List Containers and List Blobs.
type listQuery struct {
	opts     blobstore.ListOptions
	metadata bool // include=metadata
}

func parseListQuery(v url.Values) (listQuery, *StorageError) {
	q := listQuery{opts: blobstore.ListOptions{Prefix: v.Get("prefix"), Marker: v.Get("marker")}}
	if s, ok := v["maxresults"]; ok {
		n, err := strconv.Atoi(s[0])
		if err != nil {
			return q, badRequest("InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid.")
		}
		if n < 1 || n > blobstore.MaxListResults {
			return q, badRequest("OutOfRangeQueryParameterValue",
				"One of the query parameters specified in the request URI is outside the permissible range.")
		}
		q.opts.Max = n
	}
	for _, inc := range v["include"] {
		for it := range strings.SplitSeq(inc, ",") {
			// Other include values (snapshots, versions, tags, ...) name
			// things Lanyard does not keep, so there is nothing to add.
			if strings.EqualFold(strings.TrimSpace(it), "metadata") {
				q.metadata = true
			}
		}
	}
	return q, nil
}

// metadataXML renders <Metadata><k>v</k>...</Metadata>; names are C#
// identifiers, so they are valid XML names.
type metadataXML map[string]string

func (m metadataXML) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for k, v := range m {
		if err := e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: k}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

type containerXML struct {
	Name       string `xml:"Name"`
	Properties struct {
		LastModified string `xml:"Last-Modified"`
		ETag         string `xml:"Etag"`
		LeaseStatus  string `xml:"LeaseStatus"`
		LeaseState   string `xml:"LeaseState"`
		Immutability bool   `xml:"HasImmutabilityPolicy"`
		LegalHold    bool   `xml:"HasLegalHold"`
	} `xml:"Properties"`
	Metadata metadataXML `xml:"Metadata,omitempty"`
}

type containersXML struct {
	XMLName         xml.Name       `xml:"EnumerationResults"`
	ServiceEndpoint string         `xml:"ServiceEndpoint,attr"`
	Prefix          string         `xml:"Prefix,omitempty"`
	Marker          string         `xml:"Marker,omitempty"`
	MaxResults      int            `xml:"MaxResults,omitempty"`
	Containers      []containerXML `xml:"Containers>Container"`
	NextMarker      string         `xml:"NextMarker"`
}

func (h *Handler) listContainers(q *request) error {
	if err := h.authorizeContainer(q, containersRead); err != nil {
		return err
	}
	lq, bad := parseListQuery(q.r.URL.Query())
	if bad != nil {
		return bad
	}
	items, next, err := h.cfg.Store.ListContainers(q.r.Context(), q.acct, lq.opts)
	if err != nil {
		return err
	}
	out := containersXML{ServiceEndpoint: q.addr.BaseURL + "/", Prefix: lq.opts.Prefix, Marker: lq.opts.Marker,
		MaxResults: lq.opts.Max, NextMarker: next, Containers: make([]containerXML, 0, len(items))}
	for _, c := range items {
		x := containerXML{Name: c.Name}
		x.Properties.LastModified = httpTime(c.LastModified)
		x.Properties.ETag = c.ETag
		x.Properties.LeaseStatus, x.Properties.LeaseState = "unlocked", "available"
		if lq.metadata {
			x.Metadata = metadataXML(c.Metadata)
		}
		out.Containers = append(out.Containers, x)
	}
	return writeXML(q.w, out)
}

// writeXML answers 200 with v as an XML document.
func writeXML(w http.ResponseWriter, v any) error {
	b, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	body := append([]byte(xml.Header), b...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}
