// Package blobstore keeps blob storage's data on local disk: a metadata
// database (containers, blob properties, block lists) and immutable content
// files, committed so that a crash never exposes a half-written blob.
package blobstore
