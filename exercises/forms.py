from django import forms

from exercises.archive import MAX_COMPRESSED_BYTES


class SubmissionForm(forms.Form):
    archive = forms.FileField(
        help_text=f"A .zip or .tar.gz of your project folder (manage.py at its top), "
        f"at most {MAX_COMPRESSED_BYTES // (1024 * 1024)} MiB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.tar.gz,.tgz"}),
    )
