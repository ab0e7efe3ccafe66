package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"go.yaml.in/yaml/v4"
)

// openAPI is the API's OpenAPI 3 document, kept by hand next to the
// handlers; TestOpenAPIDescribesEveryRoute checks it against the route
// table.
//
//go:embed openapi.yaml
var openAPI []byte

// openAPIJSON is the same document in JSON (?format=json, Swagger UI).
var openAPIJSON = func() []byte {
	var doc any
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		panic(fmt.Sprintf("openapi.yaml illisible : %v", err))
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("openapi.yaml non convertible en JSON : %v", err))
	}
	return b
}()

// schema is GET schema/: the OpenAPI document, YAML by default, JSON with
// ?format=json (as the reference). Public, like the reference's.
func (a *apiServer) schema(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	if r.URL.Query().Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPIJSON)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openAPI)
}
