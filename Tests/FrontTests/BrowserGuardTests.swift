import HTTPTypes
import Testing

@testable import OrchestraFront

@Suite("Browser guard: hosts, media types, origins")
struct BrowserGuardTests {
    static let rule = HostRule(listenHost: "0.0.0.0", allowedHosts: ["Gateway.Internal", "*.corp.example"])

    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:8000", "[::1]:8000", "[::1]", "::1", "10.0.0.7:80", "localhost", "LOCALHOST:8000",
        "app.localhost:3000", "gateway.internal", "gateway.internal.:8000", "a.corp.example", "b.a.corp.example:443",
    ])
    func servedHosts(authority: String) {
        #expect(Self.rule.admits(authority: authority))
    }

    @Test(arguments: ["evil.example", "evil.example:8000", "corp.example", "localhost.evil.example", "127.0.0.1.nip.io", "[evil"])
    func refusedHosts(authority: String) {
        #expect(!Self.rule.admits(authority: authority))
    }

    @Test func theListenNameAndAnAsteriskAreServedAndNoHostIsHTTP10() {
        #expect(HostRule(listenHost: "gw.lan", allowedHosts: []).admits(authority: "gw.lan:8000"))
        #expect(HostRule(listenHost: "127.0.0.1", allowedHosts: ["*"]).admits(authority: "anything.example"))
        #expect(Self.rule.admits(authority: nil))
    }

    @Test func hostPartDropsPortAndBrackets() {
        #expect(HostRule.hostPart(of: "[::1]:80") == "::1")
        #expect(HostRule.hostPart(of: "h:80") == "h")
        #expect(HostRule.hostPart(of: "fe80::1") == "fe80::1")
    }

    @Test func onlyJSONMediaTypesAreJSON() {
        for json in [
            "application/json", "application/json; charset=utf-8", " Application/JSON ", "application/problem+json",
            "APPLICATION/VND.API+JSON;q=1", "application/json\t",
        ] {
            #expect(RequestMediaType.isJSON(json), "\(json)")
        }
        for other in [
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "text/json", "", "json", "application/jsonp",
            "application/", "application/json-seq", "applicationx/json",
        ] {
            #expect(!RequestMediaType.isJSON(other), "\(other)")
        }
        #expect(!RequestMediaType.isJSON(nil))
    }

    @Test func aBodyIsALengthAboveZeroOrChunks() {
        #expect(RequestMediaType.hasBody([.contentLength: "12"]))
        #expect(RequestMediaType.hasBody([.transferEncoding: "chunked"]))
        #expect(!RequestMediaType.hasBody([.contentLength: "0"]))
        #expect(!RequestMediaType.hasBody([:]))
    }

    @Test func originsListedAnyOrOwn() {
        let listed: Set<String> = ["https://app.example"]
        #expect(BrowserGuard.admits(origin: "https://APP.example", authority: "gw:8000", listed))
        #expect(BrowserGuard.admits(origin: "http://gw:8000", authority: "gw:8000", listed))
        #expect(!BrowserGuard.admits(origin: "https://evil.example", authority: "gw:8000", listed))
        #expect(!BrowserGuard.admits(origin: "null", authority: "gw:8000", listed))
        #expect(BrowserGuard.admits(origin: "https://evil.example", authority: nil, ["*"]))
    }
}
