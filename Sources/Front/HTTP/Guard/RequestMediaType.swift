import HTTPTypes

/// Whether a request's body is declared JSON. A browser can post to another origin without asking
/// first only as `text/plain`, a form, or with no type at all, so demanding JSON keeps every web page
/// from spending the gateway's keys behind its user's back.
enum RequestMediaType {
    /// `application/json` or any `application/…+json`, parameters (`; charset=utf-8`) aside.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        // By bytes, ASCII case folded: this runs on every request.
        let whole = Substring(contentType)
        let media = whole[..<(whole.utf8.firstIndex(of: UInt8(ascii: ";")) ?? whole.endIndex)].trimmingSpacesAndTabs.utf8
        let application = "application/".utf8
        guard media.count > application.count, media.prefix(application.count).elementsEqual(application, by: Self.sameLetter)
        else { return false }
        let subtype = media.dropFirst(application.count)
        return subtype.elementsEqual("json".utf8, by: Self.sameLetter)
            || (subtype.count > 5 && subtype.suffix(5).elementsEqual("+json".utf8, by: Self.sameLetter))
    }

    /// `byte` is `lowercase` in either case (for ASCII letters and the punctuation of media types).
    private static func sameLetter(_ byte: UInt8, _ lowercase: UInt8) -> Bool {
        byte == lowercase || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == lowercase)
    }

    /// Whether the request carries a body (a length above zero, or chunks).
    static func hasBody(_ headers: HTTPFields) -> Bool {
        if headers.value(.transferEncoding) != nil { return true }
        guard let length = headers.value(.contentLength) else { return false }
        return length != "0"
    }
}
