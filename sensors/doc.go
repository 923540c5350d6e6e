// Package sensors turns the bytes a gateway publishes into observations.
//
// A gateway publishes one report per MQTT message on vigia/obs/{kind}/{sensor}:
// a scan, a dwell or a single plot of one sensor. DecodeJSON decodes the
// native JSON format (SPEC §3) into a Report whose every value has been
// checked: numbers are finite, positions are on the earth, angles and
// uncertainties are in range, and each detection is exactly one of the polar
// or geodetic forms. A payload that fails any check is rejected whole with an
// *Error whose Reason labels the daemon's drop counters and whose Field names
// the offending field (with the detection index, e.g. "detections[2].lat").
//
// Decoding rules that a gateway author may trip over:
//
//   - Unknown fields are ignored, at every level, so that gateways may send
//     fields a later version understands (forward compatibility).
//   - A field whose value is JSON null is treated as absent.
//   - Keys are matched as encoding/json matches them: exactly first, then
//     case-insensitively; when a key appears twice the last one wins. Gateways
//     should send the lower-case keys of the specification exactly once.
//   - The decoder only parses the measurement time; whether it is too old or
//     in the future is for the caller to judge against its own clock.
//
// REPORT.md in this directory is the reference for gateway authors.
package sensors
