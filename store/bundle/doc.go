// Package bundle is the monthly export (月度导出): a month's ledger as a
// folder that leaves the office on a USB stick, signed by the office and
// optionally encrypted to the receiving office, that anyone can verify.
//
// # The folder
//
// {county code}_{community}[_{station}]_{YYYY-MM}_{n} (FolderName), holding
//
//	ledger.db      the month's chain segment and the records it touched, in
//	               the ledger's own layout (store.Segment.File), so it checks
//	               on its own (store.CheckSegmentFile)
//	台账.xlsx      for people: 汇总, then a sheet per register (证明, 拒绝, 准入)
//	证明.csv …     a CSV per register, UTF-8 with BOM, formulas neutralised
//	MANIFEST.json  written last: what the bundle is, each file's size and
//	               SHA-256, the office's public key, an ed25519 signature
//	               (see Manifest for the exact encoding)
//
// With a receiving office's age X25519 key every file but MANIFEST.json is
// encrypted and named with .age; the manifest holds no personal data.
//
// Write makes the folder (safe on a USB stick: see Write), Verify checks
// one, Export is the whole export from a ledger (segment, write, read back,
// record the export event, then name MANIFEST.json, so that only a recorded
// export verifies), and Keygen makes a receiving office's key pair.
package bundle
