"""Makes the 224x224 colour test photo of the render tests: data/photos/chelsea.png as torchvision's ImageNet
preprocessing sees it (shorter side to 256, bilinear with PIL's antialiasing, centre crop 224), saved as an 8-bit
RGB PNG so its pixels / 255 are exactly the X the tests explain.

Run from the repository root:  /usr/bin/python3 tools/views/crop_photo.py
"""
from PIL import Image

SOURCE = "data/photos/chelsea.png"
TARGET = "onnx/src/test/resources/photos/chelsea-224.png"

image = Image.open(SOURCE).convert("RGB")
width, height = image.size
scale = 256 / min(width, height)
image = image.resize((round(width * scale), round(height * scale)), Image.BILINEAR)
width, height = image.size
left, top = (width - 224) // 2, (height - 224) // 2
image.crop((left, top, left + 224, top + 224)).save(TARGET)
print("wrote", TARGET)
