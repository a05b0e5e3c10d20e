// Package storetest is the conformance suite every store.Store backend must
// pass: one behaviour, whatever the engine.
package storetest
