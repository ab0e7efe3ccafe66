package search

import "github.com/MTES-MCT/apilos-go/internal/programme"

// Choice is a code and its French label, for the filter lists.
type Choice = programme.Choice

// Financements is the Financement list of the filter: the catalogue's.
var Financements = programme.Financements

// NaturesLogement is the NatureLogement list of the filter: the
// catalogue's.
var NaturesLogement = programme.NaturesLogement

// Label returns the label of code in list, the code itself when unknown
// (historic values stay readable).
func Label(list []Choice, code string) string { return programme.List(list).Label(code) }

func known(list []Choice, code string) bool { return programme.List(list).Has(code) }
