// Package demo generates the project's demo dataset: a Django fixture
// (`[{"model": "app.model", "pk": N, "fields": {...}}]`) with fictional but
// realistic data — two administrations (a métropole and a DDTM), three
// bailleurs (HLM office, SEM, association), programmes in real communes of
// the Bouches-du-Rhône, conventions in every statut with their lots,
// logements, annexes, stationnements, prêts, cadastral references, EDD
// rows, avenants and statut history — and the demo users.
//
// Generation is deterministic: a seed drives math/rand/v2 (PCG), uuids
// included, and dates are placed before a fixed "today", so the same seed
// always gives the same bytes. Rents follow the rules of the data model
// (§20.8): surface utile = surface habitable + half the retained annex
// surface, loyer = SU × loyer par m² × coefficient rounded half up to the
// cent, one loyer par m² per financement, Σ coef × SU ≤ Σ SU.
//
// The repository's dataset_staging.json is Dataset(DefaultSeed) written by
// WriteJSON. A test fails when the file and the generator differ;
// regenerate the file with
//
//	go generate ./internal/demo
//
// which runs the test that rewrites it (go test -run ^TestStagingFile$ -update).
//
// The demo users (see Users) all have the password "apilos-demo", stored
// as a Django pbkdf2_sha256 hash with a fixed salt. The avenant types and
// auth groups the dataset points to come from the reference fixtures
// (avenant_types.json pks 1–8, auth.json groups by name), loaded before it.
package demo

//go:generate go test -run ^TestStagingFile$ -update .
