package blob

import (
	"encoding/base64"
	"encoding/xml"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

type blobXML struct {
	Name       string `xml:"Name"`
	Properties struct {
		Created            string `xml:"Creation-Time"`
		LastModified       string `xml:"Last-Modified"`
		ETag               string `xml:"Etag"`
		Size               int64  `xml:"Content-Length"`
		ContentType        string `xml:"Content-Type"`
		ContentEncoding    string `xml:"Content-Encoding,omitempty"`
		ContentLanguage    string `xml:"Content-Language,omitempty"`
		ContentDisposition string `xml:"Content-Disposition,omitempty"`
		CacheControl       string `xml:"Cache-Control,omitempty"`
		ContentMD5         string `xml:"Content-MD5,omitempty"`
		BlobType           string `xml:"BlobType"`
		AccessTier         string `xml:"AccessTier"`
		AccessTierInferred bool   `xml:"AccessTierInferred"`
		LeaseStatus        string `xml:"LeaseStatus"`
		LeaseState         string `xml:"LeaseState"`
		ServerEncrypted    bool   `xml:"ServerEncrypted"`
	} `xml:"Properties"`
	Metadata metadataXML `xml:"Metadata,omitempty"`
}

type prefixXML struct {
	Name string `xml:"Name"`
}

type blobsXML struct {
	XMLName         xml.Name `xml:"EnumerationResults"`
	ServiceEndpoint string   `xml:"ServiceEndpoint,attr"`
	ContainerName   string   `xml:"ContainerName,attr"`
	Prefix          string   `xml:"Prefix,omitempty"`
	Marker          string   `xml:"Marker,omitempty"`
	MaxResults      int      `xml:"MaxResults,omitempty"`
	Delimiter       string   `xml:"Delimiter,omitempty"`
	Blobs           struct {
		Blobs    []blobXML   `xml:"Blob"`
		Prefixes []prefixXML `xml:"BlobPrefix"`
	} `xml:"Blobs"`
	NextMarker string `xml:"NextMarker"`
}

func (h *Handler) listBlobs(q *request) error {
	if err := h.authorizeData(q, blobsRead); err != nil {
		return err
	}
	v := q.r.URL.Query()
	lq, bad := parseListQuery(v)
	if bad != nil {
		return bad
	}
	o := blobstore.ListBlobsOptions{ListOptions: lq.opts, Delimiter: v.Get("delimiter")}
	page, err := h.cfg.Store.ListBlobs(q.r.Context(), q.acct, q.t.container, o)
	if err != nil {
		return err
	}
	out := blobsXML{ServiceEndpoint: q.addr.BaseURL + "/", ContainerName: q.t.container, Prefix: o.Prefix,
		Marker: o.Marker, MaxResults: o.Max, Delimiter: o.Delimiter, NextMarker: page.NextMarker}
	out.Blobs.Blobs = make([]blobXML, 0, len(page.Blobs))
	for _, b := range page.Blobs {
		out.Blobs.Blobs = append(out.Blobs.Blobs, renderBlob(b, lq.metadata))
	}
	for _, p := range page.Prefixes {
		out.Blobs.Prefixes = append(out.Blobs.Prefixes, prefixXML{Name: p})
	}
	return writeXML(q.w, out)
}

func renderBlob(b blobstore.Blob, withMetadata bool) blobXML {
	x := blobXML{Name: b.Name}
	p := &x.Properties
	p.Created, p.LastModified, p.ETag, p.Size = httpTime(b.Created), httpTime(b.LastModified), b.ETag, b.Size
	p.ContentType = b.Headers.ContentType
	if p.ContentType == "" {
		p.ContentType = "application/octet-stream"
	}
	p.ContentEncoding, p.ContentLanguage = b.Headers.ContentEncoding, b.Headers.ContentLanguage
	p.ContentDisposition, p.CacheControl = b.Headers.ContentDisposition, b.Headers.CacheControl
	if len(b.Headers.ContentMD5) > 0 {
		p.ContentMD5 = base64.StdEncoding.EncodeToString(b.Headers.ContentMD5)
	}
	p.BlobType, p.AccessTier, p.AccessTierInferred = "BlockBlob", "Hot", true
	p.LeaseStatus, p.LeaseState, p.ServerEncrypted = "unlocked", "available", true
	if withMetadata {
		x.Metadata = metadataXML(b.Metadata)
	}
	return x
}
