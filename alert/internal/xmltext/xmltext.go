// Package xmltext is element content that encoding/xml writes with its line
// breaks kept, for the alert renderers.
package xmltext

import "encoding/xml"

// Text is element content written with its line breaks kept (encoding/xml
// would write them as &#xA;).
type Text string

// MarshalXML writes the element with t as its character data.
func (t Text) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeToken(xml.CharData(t)); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}
