import Testing

@testable import ProfileFormat

/// The shortened forms of demangled Swift names that profiles show, pinned name by name: each
/// case is one rule of SwiftNames.simplify or a way a name can be awkward for it.
@Suite("Swift name simplification")
struct SwiftNameTests {
    @Test(arguments: [
        // Parameter lists become labels; effects and return types go.
        ("M.T.read(from: M.Body, limit: Swift.Int) async throws -> M.Buffer", "M.T.read(from:limit:)"),
        ("M.f() -> ()", "M.f()"),
        ("M.f(_: Swift.Int, _: Swift.Int) rethrows -> Swift.Int", "M.f(_:_:)"),
        ("M.f(x: Swift.Int) throws(M.E) -> Swift.Int", "M.f(x:)"),
        ("M.T.init(x: Swift.Int) -> M.T", "M.T.init(x:)"),
        ("M.T.subscript.getter : (Swift.Int) -> Swift.String", "M.T.subscript.getter : (Swift.Int) -> Swift.String"),
        ("M.T.x.getter : Swift.Int", "M.T.x.getter : Swift.Int"),
        // Nested brackets inside parameters: commas in tuples, generics, closures and dictionaries
        // do not split parameters, and "->" closes nothing.
        ("M.f(x: (Swift.Int, Swift.String), y: [Swift.String : (Swift.Int) -> ()], z: Swift.Dictionary<Swift.Int, Swift.Int>) -> ()",
         "M.f(x:y:z:)"),
        ("M.f(_: (Swift.Int) throws -> (Swift.Int, Swift.Int), k: Swift.Int) -> ((Swift.Int) -> ()) -> ()", "M.f(_:k:)"),
        ("M.f(x: Swift.Int, ) -> ()", "M.f(x:)"),
        // Generic parameter clauses go with the parameter list; a bare generic type stays.
        ("M.map<A, B where A: Swift.Sequence>(_: A) -> Swift.Array<B>", "M.map(_:)"),
        ("M.Box<A>.get(at: Swift.Int) -> A", "M.Box<A>.get(at:)"),
        ("Swift.Array<Swift.Int>", "Swift.Array<Swift.Int>"),
        // Closures keep their own signature; the enclosing function is shortened, and the return
        // type of a closure's enclosing function ends at " in ".
        ("closure #1 (Swift.Int) -> () in M.f(x: Swift.Array<(Swift.Int, Swift.String)>) -> Swift.Int", "closure #1 (Swift.Int) -> () in M.f(x:)"),
        ("closure #2 in closure #1 (M.Request) async throws -> M.Response in M.g(router: M.Router) -> ()",
         "closure #2 in closure #1 (M.Request) async throws -> M.Response in M.g(router:)"),
        // A typed throw's error type is no parameter list.
        ("closure #1 (Swift.Int) throws(M.E) -> () in M.f()", "closure #1 (Swift.Int) throws(M.E) -> () in M.f()"),
        ("implicit closure #1 () throws -> Swift.Bool in M.T.check() -> ()", "implicit closure #1 () throws -> Swift.Bool in M.T.check()"),
        // Extension contexts and private-name hashes go.
        ("(extension in NIOCore):NIOCore.ByteBuffer.writeBytes<A where A: Swift.Sequence>(_: A) -> Swift.Int", "NIOCore.ByteBuffer.writeBytes(_:)"),
        ("(extension in A):(extension in B):M.T.f(x: Swift.Int) -> ()", "M.T.f(x:)"),
        ("(extension in M", "(extension in M"),
        ("M.T.(read in _A2664F)(x: M.(Body in _FF01)) -> ()", "M.T.read(x:)"),
        // Not a hash (X, Y, Z): the name stays, and a list after ")" is no parameter list.
        ("M.T.(read in _XYZ)(x: Swift.Int)", "M.T.(read in _XYZ)(x: Swift.Int)"),
        // Async partial functions and optimizer clones show as their function.
        ("(12) await resume partial function for M.f() async -> ()", "M.f()"),
        ("(3) suspend resume partial function for M.D.read(_: M.Body, limit: Swift.Int) async throws -> M.Buffer", "M.D.read(_:limit:)"),
        ("(x) await resume partial function for M.f() async -> ()", "(x) await resume partial function for M.f()"),
        ("function signature specialization <Arg[0] = Owned To Guaranteed, Arg[1] = [Closure Propagated : closure #1 (Swift.Int) -> () in M.f() -> (), Argument Types : []]> of M.g(_: (Swift.Int) -> ()) -> ()",
         "M.g(_:)"),
        ("merged generic specialization <N.Socket, (Swift.Int) -> ()> of N.C.readable0() -> ()", "N.C.readable0()"),
        ("merged merged M.f(x: Swift.Int) -> ()", "M.f(x:)"),
        ("generic specialization <Swift.Int> of function signature specialization <Arg[0] = Dead> of M.h(_: A) -> ()", "M.h(_:)"),
        ("generic specialization <Swift.Int of M.f()", "generic specialization <Swift.Int of M.f()"),
        // Names outside ASCII: letters and digits are Swift's.
        ("M.café(naïve: Swift.Int, ü2: Swift.Int) -> ()", "M.café(naïve:ü2:)"),
        ("M.T.(lecture in _ＡＢ12)(é: Swift.Int)", "M.T.lecture(é:)"),
        ("M.`init`<A>(x: A) -> ()", "M.`init`(x:)"),
        // Not a function, or cut short: left as it is, never a crash.
        ("malloc", "malloc"),
        ("", ""),
        ("M.f(", "M.f("),
        ("M.f(x: (Swift.Int) -> ()", "M.f(x: (Swift.Int) -> ()"),
        ("M.f<A>", "M.f<A>"),
        ("M.f(x: Swift.Int) ->", "M.f(x:) ->"),
        (")(<>", ")(<>"),
    ])
    func simplified(_ demangled: String, _ expected: String) {
        #expect(SwiftNames.simplify(demangled) == expected)
    }
}
