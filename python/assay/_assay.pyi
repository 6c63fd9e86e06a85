# Type stubs of the native module (crates/assay-py). The Python API is in the package's
# modules; these are its internals.

__version__: str
DEFAULT_EXACT_CAP: int

class AssayError(Exception): ...
class InputError(AssayError): ...

class NativeReport:
    def render(self, format: str, color: bool = False, verbose: bool = False) -> str: ...
    def exit_code(self, strict: bool = False) -> int: ...

class NativeProfile:
    @property
    def rows(self) -> int: ...
    def to_json(self) -> str: ...
    def columns_json(self) -> str: ...
    def merge(self, other: NativeProfile) -> NativeProfile: ...
    def save(self, path: str) -> None: ...
    @property
    def computed(self) -> tuple[str, int] | None: ...
    def with_computed(self, engine: str, partitions: int, sources: list[str] | None = None) -> NativeProfile: ...

def profile(
    data: object, read: str, exact_cap: int, progress: bool = False, on_progress: object | None = None
) -> NativeProfile: ...
def drift(
    reference: object,
    current: object,
    request: str,
    read: str,
    progress: bool = False,
    on_progress: object | None = None,
) -> NativeReport: ...
def evaluate(
    data: object,
    request: str,
    read: str,
    progress: bool = False,
    model: object | None = None,
    baseline_model: object | None = None,
    on_progress: object | None = None,
) -> NativeReport: ...
def crossval(
    data: object,
    request: str,
    read: str,
    progress: bool = False,
    learner: object | None = None,
    on_progress: object | None = None,
) -> NativeReport: ...
def sensitivity(
    model: object,
    request: str,
    read: str,
    data: object | None = None,
    progress: bool = False,
    on_progress: object | None = None,
) -> NativeReport: ...
def bench_model(
    model: object,
    request: str,
    read: str,
    data: object | None = None,
    baseline_model: object | None = None,
    progress: bool = False,
    on_progress: object | None = None,
) -> NativeReport: ...
def split(
    data: object, split_options: str, read: str
) -> tuple[str, int, float, list[tuple[bytes, bytes]]]: ...
def init(
    data: object,
    reference: object | None,
    read: str,
    data_name: str,
    reference_name: str | None = None,
    progress: bool = False,
    on_progress: object | None = None,
) -> str: ...
def explain(id: str) -> str: ...
def checks() -> list[tuple[str, str]]: ...
def set_threads(threads: int) -> int: ...
def check(
    suite_path: str,
    suite_text: str | None = None,
    current: object | None = None,
    reference: object | None = None,
    progress: bool = False,
    on_progress: object | None = None,
) -> NativeReport: ...
def load_profile(path: str) -> NativeProfile: ...
def profile_from_json(text: str) -> NativeProfile: ...
def text_column(values: object, missing: object) -> object | None: ...
def report_from_json(text: str) -> NativeReport: ...
