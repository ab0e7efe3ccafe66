package web

import (
	"maps"
	"strings"
)

// Permission-matrix rows of the convention routes (routes_convention.go).
// The requests are sent with an empty body: once the rule lets a request
// in, the handler answers (page 200, POST-redirect-GET 303 whether the
// domain accepted or refused the empty form, 404 for a missing document);
// the rule's answers (302 login, 403 permission, 404 scope) come from the
// same patterns as the rule-kind rows of matrix_test.go.

// permWant is the expectation of a PermOn route for each persona, the
// allowed-inside answer being in.
func permWant(perm string, in string) map[string]string {
	var base map[string]string
	switch perm {
	case "view":
		base = map[string]string{
			"anonyme": "-|302", "superuser": "200|-", "staff": "-|404",
			"administrateur_national": "200|-", "administrateur_regional": "200|404", "administrateur_departemental": "200|404", "administrateur_departemental_lecture": "200|404",
			"instructeur": "200|404", "instructeur_lecture": "200|404", "instructeur_sans_administration": "-|404",
			"bailleur": "200|404", "bailleur_filtre": "200|404", "bailleur_lecture": "200|404", "bailleur_cerbere": "200|404", "partenaire": "200|-",
		}
	case "change":
		base = map[string]string{
			"anonyme": "-|302", "superuser": "200|-", "staff": "-|404",
			"administrateur_national": "200|-", "administrateur_regional": "200|404", "administrateur_departemental": "200|404", "administrateur_departemental_lecture": "403|403",
			"instructeur": "200|404", "instructeur_lecture": "403|403", "instructeur_sans_administration": "-|404",
			"bailleur": "200|404", "bailleur_filtre": "200|404", "bailleur_lecture": "403|403", "bailleur_cerbere": "200|404", "partenaire": "403|-",
		}
	case "validate":
		base = map[string]string{
			"anonyme": "-|302", "superuser": "200|-", "staff": "-|404",
			"administrateur_national": "200|-", "administrateur_regional": "200|404", "administrateur_departemental": "200|404", "administrateur_departemental_lecture": "403|403",
			"instructeur": "200|404", "instructeur_lecture": "403|403", "instructeur_sans_administration": "-|404",
			"bailleur": "403|403", "bailleur_filtre": "403|403", "bailleur_lecture": "403|403", "bailleur_cerbere": "403|403", "partenaire": "403|-",
		}
	}
	out := maps.Clone(base)
	for k, v := range out {
		out[k] = strings.Replace(v, "200|", in+"|", 1)
	}
	return out
}

func init() {
	loggedIn := func(answer string) map[string]string { return map[string]string{"*": answer, "anonyme": "302"} }
	// perm rows without object: read-only roles and partenaires lack
	// add_convention.
	addPerm := func(answer string) map[string]string {
		return map[string]string{"*": answer, "anonyme": "302", "administrateur_departemental_lecture": "403",
			"instructeur_lecture": "403", "bailleur_lecture": "403", "partenaire": "403"}
	}
	row := func(pattern, perm, in string) matrixRow {
		_, p, _ := strings.Cut(pattern, " ")
		return matrixRow{Pattern: pattern, Path: p, Want: permWant(perm, in)}
	}
	matrixRows = append(matrixRows,
		matrixRow{Pattern: "GET /conventions/{$}", Path: "/conventions/", Want: loggedIn("302>/conventions/recherche")},
		matrixRow{Pattern: "GET /conventions/recherche", Want: loggedIn("200")},
		matrixRow{Pattern: "GET /operations/{numero...}", Path: "/operations/13-2099-0001",
			Want: loggedIn("302>/conventions/recherche?search_numero=13-2099-0001")},
		// An unknown operation: nothing to create, answered as not found.
		matrixRow{Pattern: "POST /operations/{numero...}", Path: "/operations/13-2099-0001", Want: addPerm("404")},
		// Comments: the rule needs the comment permission (read-only roles
		// keep it); the empty form names no convention → 404.
		matrixRow{Pattern: "POST /comments/{$}", Path: "/comments/", Want: loggedIn("404")},
		// Without an action the form is refused before the comment is
		// read: back to the search page with the message.
		matrixRow{Pattern: "POST /comments/{comment}", Path: "/comments/00000000-0000-0000-0000-000000000000", Want: loggedIn("303>/conventions/recherche")},
		row("GET /comments/convention/{uuid}", "view", "200"),

		row("GET /conventions/recapitulatif/{uuid}", "view", "200"),
		row("POST /conventions/recapitulatif/{uuid}", "change", "303"),
		row("GET /conventions/post_action/{uuid}", "view", "200"),
		row("POST /conventions/post_action/{uuid}", "change", "303"),
		row("GET /conventions/journal/{uuid}", "view", "200"),
		row("POST /conventions/save/{uuid}", "change", "303"),
		row("POST /conventions/feedback/{uuid}", "change", "303"),
		row("POST /conventions/validate/{uuid}", "validate", "303"),
		row("POST /conventions/denonciation_validate/{uuid}", "change", "303"),
		row("POST /conventions/resiliation_validate/{uuid}", "change", "303"),
		row("GET /conventions/sent/{uuid}", "view", "200"),
		row("POST /conventions/sent/{uuid}", "change", "303"),
		row("GET /conventions/upload_signed/preview/{uuid}", "view", "200"),
		row("GET /conventions/upload_signed/date/{uuid}", "view", "200"),
		row("POST /conventions/upload_signed/date/{uuid}", "change", "303"),
		row("POST /conventions/upload_signed/cancel/{uuid}", "change", "303"),
		// No document deposited in the test world: 404 inside too.
		row("GET /conventions/display_pdf/{uuid}", "view", "404"),
		row("GET /conventions/display_convention_publie/{uuid}", "view", "404"),
		row("POST /conventions/publication/{uuid}/send", "change", "303"),
		row("GET /conventions/publication/{uuid}", "view", "200"),
		row("POST /conventions/publication/{uuid}", "change", "303"),
		row("GET /conventions/publication/{uuid}/upload-preview", "view", "200"),
		row("POST /conventions/publication/{uuid}/date", "change", "303"),
		row("POST /conventions/publication/{uuid}/upload/cancel", "change", "303"),
		row("POST /conventions/remove_from_avenant/{uuid}", "change", "303"),
		// The forms of a dénonciation / résiliation avenant: the world's
		// conventions are not such avenants.
		row("GET /conventions/denonciation/{uuid}", "view", "404"),
		row("POST /conventions/denonciation/{uuid}", "change", "303"),
		row("GET /conventions/resiliation/{uuid}", "view", "404"),
		row("POST /conventions/resiliation/{uuid}", "change", "303"),
	)
	// add_convention and delete_convention follow the change pattern
	// (read-only roles and partenaires lack them).
	for _, p := range []string{"POST /conventions/new_avenant/{uuid}", "POST /conventions/denonciation_start/{uuid}",
		"POST /conventions/resiliation_start/{uuid}", "POST /conventions/delete/{uuid}"} {
		matrixRows = append(matrixRows, row(p, "change", "303"))
	}
}
