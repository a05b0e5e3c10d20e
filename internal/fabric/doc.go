// Package fabric is the contract between host agents and the server: what an
// agent may ask on behalf of the resources placed on its host (managed-
// identity tokens, app descriptions), the wire paths and JSON of that API,
// and its error codes. The server implements Fabric per host (package msi);
// a remote agent reaches it over mutual TLS (package enrolment), the agent
// built into `lanyard serve` calls it in process.
package fabric
