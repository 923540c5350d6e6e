// Package asterix decodes EUROCONTROL ASTERIX surveillance data (radar plots,
// system tracks, ADS-B reports and radar service messages) into
// sensors.Report values.
//
// A payload (one UDP datagram, typically) holds one or more data blocks: a
// category octet, a two-octet length counting the whole block, then records.
// Each record starts with an FSPEC whose bits (FX-extended) announce the items
// present, in the order of the category's User Application Profile (UAP).
// Every item kind is measured so that records parse exactly: fixed,
// FX-extended, repetitive (counted and FX-chained), compound and explicit
// (the RE and SP fields, which are skipped by their length octet). Items the
// decoder does not map are skipped by their length.
//
// Categories, editions and mapped items:
//
//   - CAT048 (monoradar target reports), editions 1.30–1.32 (same UAP; the
//     older 1.2x share it too): one polar detection per record. I048/010
//     SAC/SIC, I048/140 time of day, I048/040 RHO/THETA (Range m, Bearing °),
//     I048/090 flight level (Alt m, only when neither V nor G is set),
//     I048/070 Mode 3/A (Squawk and emergency, only when neither V nor G is
//     set), I048/220 aircraft address (ICAO), I048/240 identification
//     (Callsign), I048/161 track number, I048/200 ground speed and heading
//     (Speed m/s, Course °). A record without I048/040 (an end-of-track
//     message) gives no report; Stats.NoPosition counts it.
//   - CAT062 (SDPS system tracks), editions 1.18–1.21 (the default): one
//     geodetic detection per record. I062/010, I062/070 time of track
//     information, I062/105 WGS-84 position, I062/185 Cartesian velocity
//     (Speed and Course from Vx, Vy), I062/040 track number, I062/060 Mode
//     3/A, I062/136 measured flight level, I062/380 subfields ADR (ICAO) and
//     ID (Callsign; I062/245 when I062/380 ID is absent).
//   - CAT062 edition 0.17 (a pre-1.0 draft, Options.CAT062Edition "0.17"):
//     the same report from the same items in another UAP and layout:
//     I062/105 in 24-bit coordinates (180/2^23 °), the velocity polar
//     (I062/180: Speed 2^-14 NM/s, Course 360/2^16 °), a 15-bit I062/040,
//     I062/060 without validity bits (a code present is used), I062/380
//     subfields ADR and ID; there is no I062/245. The flight-plan callsign
//     of I062/390, as in 1.x, is not mapped.
//   - CAT021 (ADS-B target reports), editions 2.6–2.7 (the UAP of 2.1 and
//     later): one geodetic detection per record. I021/131 high-resolution
//     position, else I021/130; I021/080 target address; I021/170
//     identification; I021/145 flight level; I021/160 airborne ground vector
//     (when its RE bit is clear); I021/070 Mode 3/A; I021/161 track number;
//     the time is the first present of I021/071, 073, 072, 075, 077;
//     emergency from I021/200 PS (1, 2, 3, 6 general, 4 radio failure, 5
//     unlawful interference), an emergency squawk taking precedence.
//   - CAT034 (monoradar service messages, north marker and sector crossing),
//     edition 1.29: one KindService report per record, with I034/030 as its
//     time (scan timing) and no detections; I034/120, when present, becomes
//     Report.Platform.
//   - CAT065 (SDPS service messages: batch end, service status), edition
//     1.x: decoded like CAT034, one KindService report per record with
//     I065/030 as its time. They are routine and frequent in a CAT062 feed,
//     so rejecting them would only inflate the drop counters.
//
// ASTERIX does not say its edition: the edition of a CAT062 feed must be
// configured. Read with the other edition, a block is mostly rejected (the
// staged 0.17 capture as 1.x: 55 truncated, 32 malformed, 13 with a time of
// day past midnight; the staged 1.x captures as 0.17: malformed), but a
// wrong edition cannot be detected in general. CAT062Edition "auto" tries
// 1.x and falls back to 0.17 for a block that fails with 1.x and decodes
// with 0.17 without any error (Stats.CAT062Fallbacks counts them); it
// decodes wrongly a 0.17 block that happens to pass as 1.x, or a damaged
// 1.x block that happens to pass as 0.17, and is meant for feeds of unknown
// origin, not as the default.
//
// Every other category (CAT001/002, CAT010, CAT240 ...) is rejected block by
// block with ReasonUnsupported; the following blocks still decode.
//
// Times of day (1/128 s since midnight UTC) are completed to a date with the
// receive time: the date that puts the time nearest to it, which handles the
// midnight wrap. Report.TimeFromPayload is then true; a record without a time
// item takes the receive time.
//
// Reports are one per record, in payload order, each with at most one
// detection. Every report's Detections and Identity are its own (one
// allocation per observation, plus one string for ICAO address and
// callsign); nothing is shared with later calls.
//
// Errors: a block whose record does not parse (FSPEC or item running past
// the block end, an FSPEC bit for an FRN the UAP leaves spare, a compound
// subfield not defined, an explicit item of length 0) is rejected whole with
// one *sensors.Error naming category, record, item and the payload byte
// offset, e.g. "CAT048 record 3: item I048/250 at offset 57: length 9 past
// block end 60" (ReasonTruncated or ReasonMalformed). A record that parses
// but holds an impossible value (a time of day of 86400 s or more, a position
// off the earth) drops only that record (ReasonBadTime, ReasonBadPosition).
// A block length shorter than its header is malformed, and one running past
// the payload truncated: both end the payload, as nothing after them can be
// framed. The location is in Error.Msg; Error.Field is empty, as there is no
// JSON path. Decode never panics.
package asterix
