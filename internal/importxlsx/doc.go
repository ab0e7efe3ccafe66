// Package importxlsx reads the tables of a convention's steps from .xlsx
// files and writes the project's own templates for them (spec workflows
// §4): logements (surface utile or corrigée, with or without loyers),
// foyer and résidence logements, annexes, stationnements, références
// cadastrales, EDD simplifié, prêts and locaux collectifs.
//
// Read opens a file within limits (10 Mo uploaded, 100 Mo unpacked, 10 000
// rows), finds the table's sheet, matches the headers of row 1 (case,
// accents and line breaks ignored, extra columns ignored and reported,
// merged header cells read with their sub-headers of row 2, the
// reference's longer headers accepted), and reads every non-empty row
// from row 3: French decimals ("1 234,56", "12,5"), Excel or typed dates,
// drop-down labels turned into codes. A cell that cannot be read is a
// CellError naming the sheet, the line and the column; all of them are
// returned at once (*Error), and a refused file gets a French message.
//
// The rows are the step's row inputs (programme.LogementInput,
// AnnexeInput…). Input puts them in place of the table's rows in the
// stored step (a row matching a stored one keeps its identity); Check
// runs the step's rules (programme.Validate) and names each problem by
// line and column, before anything is saved; Save writes through
// programme.Save: one transaction, all rows or none, under the
// convention's editability.
//
// Template and TemplatesZip build the templates whose headers are the
// catalogue's labels (programme.FieldLabel): exactly what Read matches.
//
// FuzzImport runs its seed corpus with the ordinary tests; to fuzz:
//
//	go test -run XXX -fuzz FuzzImport -fuzztime 60s -fuzzminimizetime 5x ./internal/importxlsx
//
// (without -fuzzminimizetime the fuzzer spends its time minimising the
// large inputs). BenchmarkImport5000Logements measures read, check and
// save of 5 000 logements.
package importxlsx
